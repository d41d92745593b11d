import NIOCore
import NIOHTTP1
package import SwitchboardDataPlane

/// The console's files, compiled into the binary (no CDN, nothing to ship beside it): one
/// page, one script, one style sheet. The page holds no data; the script reads everything
/// from `/admin/v1` with the credentials signed in with.
package enum ConsoleAssets {
    /// The answer for `asset` (what follows `/console`), or nil when there is no such file.
    package static func reply(_ asset: Substring) -> HTTPReply? {
        let file: (contentType: String, text: String)
        switch asset {
        case "", "/", "/index.html": file = ("text/html; charset=utf-8", ConsolePage.html)
        case "/app.js": file = ("text/javascript; charset=utf-8", ConsoleScript.source)
        case "/app.css": file = ("text/css; charset=utf-8", ConsoleStyle.source)
        default: return nil
        }
        return HTTPReply(.ok, headers: headers, contentType: file.contentType, body: ByteBuffer(string: file.text))
    }

    /// Scripts and styles from these files only (no inline code, so an injected string can
    /// never run), requests only to this origin, never framed, no referrer leaves the page.
    static let headers: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-cache"),
    ]
}
