import NIOCore
import NIOHTTP1
import SwitchboardDataPlane

/// The few words a browser sees during a consent: plain HTML, no script, no secret, and
/// nothing the request carried echoed back unescaped.
enum ConsentPage {
    static func page(_ status: HTTPResponseStatus, _ title: String, _ text: String) -> HTTPReply {
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>\(escape(title))</title></head>
            <body><h1>\(escape(title))</h1><p>\(escape(text))</p></body></html>

            """
        return HTTPReply(status, headers: [("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")], contentType: "text/html; charset=utf-8", body: ByteBuffer(string: html))
    }

    static func redirect(_ location: String) -> HTTPReply {
        HTTPReply(.found, headers: [("Location", location), ("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")], contentType: "text/plain", body: nil)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
