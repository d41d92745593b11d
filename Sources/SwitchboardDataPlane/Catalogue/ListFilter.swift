import NIOCore
import SwitchboardCore

/// Takes the items one caller may not see out of a merged list page. The rest of the page
/// (its `nextCursor`, cache hints, the kept items' bytes) is copied as it is, so pagination
/// over the servers stays exactly what it was: a page may come out shorter, or empty with a
/// cursor to the next one, which clients handle like any other page (spec: page sizes are
/// the server's choice).
enum ListFilter {
    /// The page without the items `keep` refuses; nil when it keeps them all (the caller then
    /// sends the shared page untouched) or the page is not a list result.
    static func filter(page: ByteBuffer, kind: ListKind, keep: (JSONView) -> Bool) -> ByteBuffer? {
        guard let root = try? JSONView.parse(page, maxDepth: 256), let array = root[kind.arrayKey] else { return nil }
        let items = array.elements
        let kept = items.filter(keep)
        guard kept.count < items.count else { return nil }
        var json = "["
        json.reserveCapacity(array.range.count)
        for (index, item) in kept.enumerated() {
            if index > 0 { json += "," }
            json += item.rawText
        }
        json += "]"
        return JSONSplice.replacing(in: root, [(array, json)])
    }
}
