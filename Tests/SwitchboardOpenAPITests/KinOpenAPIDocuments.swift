import Foundation
import Testing

/// Test documents from Debian's `golang-github-getkin-kin-openapi-dev` (installed by
/// scripts/test.sh): documents nobody here wrote.
enum KinOpenAPIDocuments {
    static let root = "/usr/share/gocode/src/github.com/getkin/kin-openapi"

    /// Swagger's Petstore, OpenAPI 3.0.0.
    static var petstore30: String { get throws { try read("openapi3filter/testdata/petstore.yaml") } }
    /// An OpenAPI 3.1.0 document with callbacks (one to another file).
    static var callbacks31: String { get throws { try read("openapi3/testdata/callbacks.yml") } }
    /// OpenAPI 3.0.3 with schemas that refer to themselves through `oneOf` and arrays.
    static var recursive30: String { get throws { try read("openapi3/testdata/recursiveRef/issue615.yml") } }

    static func read(_ relative: String) throws -> String {
        let path = root + "/" + relative
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("\(path) is missing: install golang-github-getkin-kin-openapi-dev (scripts/test.sh does)")
            throw CocoaError(.fileNoSuchFile)
        }
        return text
    }
}
