import Foundation
import Testing
import SwitchboardCore

extension Interop {
    /// Bytes that are not HTTP get a 400 and a closed connection.
    @Suite struct RawHTTPTests {
        @Test func answersGarbageWith400() async throws {
            try await GatewayHarness.with([]) { gateway in
                let script = "import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])),timeout=10)\ns.sendall(b'GARBAGE\\r\\n\\r\\n')\nd=b''\nwhile True:\n  c=s.recv(4096)\n  if not c: break\n  d+=c\nprint(d.split(b'\\r\\n')[0].decode())"
                let child = try ChildProcessRunner(PeerEnvironment.python, ["-c", script, String(gateway.port)])
                #expect(await child.wait(seconds: 30) == 0, "\(child.standardError)")
                #expect(child.standardOutput.hasPrefix("HTTP/1.1 400"), "\(child.standardOutput)")
            }
        }
    }

    /// Requests a client pipelines on one connection are answered one by one, in order.
    @Suite struct PipeliningTests {
        @Test func answersPipelinedRequestsInOrder() async throws {
            try await GatewayHarness.with([FeatureServer(name: "alpha", kind: .stdio)]) { gateway in
                let script = """
                import socket, sys, json, re
                port = int(sys.argv[1])
                def req(body, sid=None):
                    h = "POST /mcp HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\nAccept: application/json, text/event-stream\\r\\n"
                    if sid: h += "Mcp-Session-Id: " + sid + "\\r\\n"
                    b = json.dumps(body).encode()
                    return (h + "Content-Length: %d\\r\\n\\r\\n" % len(b)).encode() + b
                s = socket.create_connection(("127.0.0.1", port), timeout=20)
                s.sendall(req({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"p","version":"1"}}}))
                data = b""
                while b"\\r\\n\\r\\n" not in data or len(data.split(b"\\r\\n\\r\\n",1)[1]) < int(re.search(rb"Content-Length: (\\d+)", data).group(1)):
                    data += s.recv(65536)
                sid = re.search(rb"Mcp-Session-Id: (\\S+)", data).group(1).decode()
                calls = [req({"jsonrpc":"2.0","id":i,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"n%d" % i}}}, sid) for i in range(2, 7)]
                s.sendall(b"".join(calls))
                buf = b""
                ids = []
                while len(ids) < 5:
                    chunk = s.recv(65536)
                    if not chunk: break
                    buf += chunk
                    ids = [int(m) for m in re.findall(rb'"id":(\\d+)', buf)]
                print(json.dumps(ids))
                """
                let child = try ChildProcessRunner(PeerEnvironment.python, ["-c", script, String(gateway.port)])
                #expect(await child.wait(seconds: 60) == 0, "\\(child.standardError)")
                #expect(child.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[2, 3, 4, 5, 6]", "\\(child.standardOutput)")
            }
        }
    }
}
