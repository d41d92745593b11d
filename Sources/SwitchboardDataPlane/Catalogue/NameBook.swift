public import SwitchboardCore

/// The names clients see for one list (tools or prompts) of every server, both ways: the
/// shown name of each server's own name, and the server and own name behind each shown one.
/// Made from the servers' latest lists and their `names` settings (`NameBook+Making.swift`),
/// the same inputs always giving the same book: names stay put across restarts and reloads.
public struct NameBook: Sendable {
    /// What a shown name stands for.
    public struct Route: Sendable, Equatable {
        /// The server's key in the config.
        public let server: String
        /// The name as the server spells it.
        public let upstream: String

        /// `{server}__{upstream}`: how policy, virtual servers, quotas and audit name the
        /// tool, whatever the client sees. Made once, with the book, not per call.
        public let canonical: String

        public init(server: String, upstream: String) {
            self.server = server
            self.upstream = upstream
            canonical = FederatedName.join(server: server, name: upstream)
        }
    }

    /// A shown name that differs from the canonical one, or was chosen by a rule, and why
    /// (for `check`).
    public struct Mapping: Sendable, Equatable, CustomStringConvertible {
        public var route: Route
        public var shown: String
        public var reasons: [NameReason]

        public var description: String {
            "\(shown) ← \(route.server): \(route.upstream) (\(reasons.map(\.description).joined(separator: "; ")))"
        }
    }

    /// One server's input: its key, its settings and the names its latest list holds.
    public struct Listed: Sendable {
        public var server: String
        public var settings: ServerNamesConfig
        public var names: [String]

        public init(server: String, settings: ServerNamesConfig, names: [String]) {
            self.server = server
            self.settings = settings
            self.names = names
        }
    }

    var shownByServer: [String: [String: String]] = [:]
    var routes: [String: Route] = [:]
    /// Every shown name that is not the canonical one or was chosen by a rule (a collision),
    /// in shown-name order.
    public internal(set) var mappings: [Mapping] = []

    public init() {}

    public func shown(server: String, upstream: String) -> String? {
        shownByServer[server]?[upstream]
    }

    public func route(_ shown: String) -> Route? {
        routes[shown]
    }

    public var isEmpty: Bool { routes.isEmpty }
}

/// Why a shown name is not `{server}__{upstream}`.
public enum NameReason: Sendable, Hashable, CustomStringConvertible {
    /// The server's `names.alias` is the prefix.
    case alias(String)
    /// Renamed by `names.tools` / `names.prompts`.
    case renamed
    /// Shown bare: `names.prefix` is `on_collision` or `none`, and no other server shows it.
    case unprefixed(NamePrefixMode)
    /// Prefixed because these servers show the same bare name.
    case collidesWith([String])
    /// Characters outside `[A-Za-z0-9_-]` became `_`.
    case charset
    /// It did not start with a letter, so `x_` leads it.
    case leadingLetter
    /// It had this many characters, more than the budget: cut, and a hash added.
    case shortened(from: Int, budget: Int)
    /// Another name came out the same: a hash added.
    case hashed

    public var description: String {
        switch self {
        case .alias(let alias): "prefix alias \(alias)"
        case .renamed: "renamed in names"
        case .unprefixed(let mode): "prefix: \(mode.rawValue)"
        case .collidesWith(let servers): "prefixed: \(servers.joined(separator: ", ")) \(servers.count == 1 ? "shows" : "show") the same name"
        case .charset: "characters outside [A-Za-z0-9_-] became _"
        case .leadingLetter: "x_ added: a name starts with a letter"
        case .shortened(let from, let budget): "\(from) characters, over the budget of \(budget): shortened with a hash"
        case .hashed: "another name came out the same: a hash added"
        }
    }
}
