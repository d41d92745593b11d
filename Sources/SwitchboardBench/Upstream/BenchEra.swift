import ArgumentParser

/// Which protocol eras the bench upstream serves (spec digest §0, §1.5).
enum BenchEra: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// 2024-11-05 … 2025-11-25 through `initialize`; what a 2025 server does with a 2026-07-28
    /// request (a bare HTTP 400; over stdio `server/discover` is an unknown method).
    case legacy
    /// 2026-07-28 only: `server/discover`, stateless requests, `initialize` refused with -32022.
    case modern
    /// Both, told apart per request as a dual-era server does.
    case both
}
