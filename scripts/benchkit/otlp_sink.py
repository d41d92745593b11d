"""An OTLP/HTTP endpoint for the bench's traces row: takes every export and answers 200, so
the gateway pays for its spans as it would in front of a collector. Prints `READY <port>` on
stderr once it accepts."""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
print(f"READY {server.server_address[1]}", file=sys.stderr, flush=True)
server.serve_forever()
