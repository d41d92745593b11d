/// A JSON-RPC request id kept as its JSON text (`42` or `"abc"`), so it goes back to the peer
/// with the same type and spelling it came with.
public struct JSONRPCID: Hashable, Sendable, CustomStringConvertible {
    public let json: String

    public init(json: String) {
        self.json = json
    }

    public init(_ number: Int) {
        self.json = String(number)
    }

    public init(string: String) {
        self.json = JSONWriter.quoted(string)
    }

    public var description: String { json }
}
