package import SwitchboardCore
import Synchronization
/// Something wrong with a server's catalogue that the gateway worked around: reported by
/// `switchboard check`, logged once when it appears, and counted.
package struct CatalogueFinding: Sendable, Hashable, CustomStringConvertible {
    package enum Problem: Sendable, Hashable {
        /// The server listed the same name twice; the first one is kept.
        case duplicate
        /// An item without its identifying member (or with an empty one).
        case missingIdentity
    }

    package var server: String
    package var list: ListKind
    package var item: String
    package var problem: Problem

    package var description: String {
        switch problem {
        case .duplicate: "\(list.rawValue) \(item) listed twice by \(server); the first is kept"
        case .missingIdentity: "\(list.rawValue) item from \(server) left out: no \(list.identityKey)"
        }
    }
}
