/// Why the demo server could not start or keep running.
public struct DemoServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An extensible error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case invalidOption, bindFailed, ioFailed
        }

        private let value: Value

        /// An option is out of range; the message names it.
        public static let invalidOption = Code(value: .invalidOption)
        /// The HTTP listener could not bind its address.
        public static let bindFailed = Code(value: .bindFailed)
        /// Reading stdin or writing stdout failed.
        public static let ioFailed = Code(value: .ioFailed)

        public var description: String { "\(value)" }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
