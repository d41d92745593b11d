/// Random ids: 128 bits from the system CSPRNG, hex (visible ASCII, spec digest §1.3). Session
/// ids of `initialize` are sealed tokens instead (`SessionTokens`); these name things that
/// need no state behind them.
package enum SessionID {
    package static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for _ in 0..<2 {
            let v = rng.next() as UInt64
            for shift in stride(from: 60, through: 0, by: -4) { out.append(hex[Int((v >> UInt64(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
