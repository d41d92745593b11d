import Foundation
import SwitchboardTesting
import Testing

extension Interop {
    /// `GET /admin/v1/openapi.json` from the binary: a valid OpenAPI 3.1 document (checked by
    /// openapi-spec-validator), and every operation it lists is one the gateway serves (none
    /// falls through to "no such admin endpoint").
    @Suite struct AdminOpenAPITests {
        @Test func theDescriptionIsValidAndEveryOperationIsServed() async throws {
            try PeerEnvironment.requirePeers()
            let setup = try DemoGatewayProcess("admin-openapi")
            defer { setup.remove() }
            let gateway = try await setup.serve()
            defer { gateway.stop() }
            let fetched = try await curl(setup.base + "/admin/v1/openapi.json", [])
            #expect(fetched.status == 200)
            let file = setup.directory + "/openapi.json"
            try fetched.body.write(toFile: file, atomically: true, encoding: .utf8)
            let validator = try ChildProcessRunner(PeerEnvironment.python, [
                "-c", "import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')", file,
            ])
            #expect(await validator.wait(seconds: 60) == 0, "\(validator.standardError)")
            #expect(validator.standardOutput.contains("valid"))

            let document = try #require(try JSONSerialization.jsonObject(with: Data(fetched.body.utf8)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 10)
            for (path, operations) in paths {
                let concrete = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "x", options: .regularExpression)
                for method in operations.keys {
                    var arguments = ["-X", method.uppercased()]
                    if method == "post" || method == "put" { arguments += ["-H", "Content-Type: application/json", "-d", "{}"] }
                    let answer = try await curl(setup.base + "/admin/v1" + concrete, arguments)
                    #expect(!answer.body.contains("no such admin endpoint") && answer.status != 405, "\(method) \(path): \(answer.status) \(answer.body)")
                }
            }
        }
    }
}
