import SwitchboardTesting

/// A TCP port on 127.0.0.1 that was free a moment ago, for processes that must listen on a
/// port the test knows before they start (a gateway restarted at the same address): a port a
/// `RefusingPort` held and let go.
enum FreePort {
    static func next() throws -> Int {
        try RefusingPort().port
    }
}
