import NIOCore
import Synchronization
import SwitchboardCore

extension Catalogue {
    /// How long an index holds for servers that do not announce list changes (their lists are
    /// otherwise read again for every search, and a 2,000-tool index takes ~25 ms to make).
    static let searchIndexLifetime = TimeAmount.seconds(30)

    /// The search index over every tool of the merged list (`search_tools`), made again when
    /// some server's tools, a shown name or the guards' verdicts changed, and at least every
    /// 30 s while a server that does not announce its changes contributes. A tool found this
    /// way is still checked against its server's latest names when called.
    func toolSearch(on loop: any EventLoop) -> EventLoopFuture<ToolSearch> {
        let targets = servers.offer(.tools).map { ($0, nil as String?) }
        let stamp = MergedListCache.stamp(targets, guards: guards?.generation, names: shownTools.generation)
        if let cached = toolSearchCache.withLock({ $0 }), cached.stamp == stamp,
            MergedListCache.allCached(.tools, targets: targets) || NIODeadline.now() < cached.made + Self.searchIndexLifetime
        {
            return loop.makeSucceededFuture(cached.index)
        }
        return fullList(.tools, on: loop).map { items in
            let index = ToolSearch(tools: items)
            // Kept under the stamp after reading: reading the lists may itself move the shown
            // names' generation.
            let after = MergedListCache.stamp(targets, guards: self.guards?.generation, names: self.shownTools.generation)
            self.toolSearchCache.withLock { $0 = (after, NIODeadline.now(), index) }
            return index
        }
    }
}
