/// Which protocol family an upstream server speaks (spec digest §0, §1.6): `legacy` is the
/// `initialize` handshake (2024-11-05 … 2025-11-25) with one shared session; `modern` is
/// 2026-07-28, stateless, with version and capabilities in every request's `_meta`.
package enum UpstreamEra: String, Sendable, Equatable {
    case legacy
    case modern
}
