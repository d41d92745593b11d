#!/usr/bin/env python3
"""A small REST server (standard library only) for the OpenAPI tests: the notes API of
Tests/Peers/openapi/notes.yaml under /v1, and the operations of Debian's kin-openapi test
documents (Petstore 3.0's POST /pet, the 3.1 document's POST /trans and POST /other).
Announces `READY <port>` on stderr.

  rest_api_server.py [--host 127.0.0.1] [--port 0] [--key KEY]

Writes need `X-API-Key: KEY` (default `secret-key`).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
NOTES: dict[int, dict] = {}
NEXT = [1]
LAST: dict = {}
KEY = ["secret-key"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def reply(self, status: int, body=None, content_type: str = "application/json", headers: dict | None = None) -> None:
        data = b"" if body is None else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else None

    def handle_one(self, method: str) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        record = {"method": method, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
        try:
            if path == "/v1/requests/last" and method == "GET":
                with LOCK:
                    previous = dict(LAST)
                    LAST.clear()
                    LAST.update(record)
                return self.reply(200, previous)
            with LOCK:
                LAST.clear()
                LAST.update(record)
            body = self.body() if method in ("POST", "PUT", "PATCH") else None
            keyed = self.headers.get("X-API-Key") == KEY[0]
            if path == "/v1/notes" and method == "GET":
                with LOCK:
                    notes = sorted(NOTES.values(), key=lambda n: -n["id"])
                tags = query.get("tag", [])
                notes = [n for n in notes if all(t in n["tags"] for t in tags)]
                if "limit" in query:
                    notes = notes[: int(query["limit"][0])]
                return self.reply(200, notes)
            if path == "/v1/notes" and method == "POST":
                if not keyed:
                    return self.reply(401, {"error": "X-API-Key is missing or wrong"})
                with LOCK:
                    note = {"id": NEXT[0], "title": body["title"], "text": body.get("text"), "tags": body.get("tags", [])}
                    NOTES[note["id"]] = note
                    NEXT[0] += 1
                return self.reply(201, note)
            if path.startswith("/v1/notes/"):
                note_id = int(path.rsplit("/", 1)[1])
                with LOCK:
                    note = NOTES.get(note_id)
                    if method == "DELETE" and keyed and note:
                        del NOTES[note_id]
                if note is None:
                    return self.reply(404, {"error": f"no note {note_id}"})
                if method == "DELETE":
                    return self.reply(204) if keyed else self.reply(401, {"error": "X-API-Key is missing or wrong"})
                return self.reply(200, note)
            if path == "/v1/moved":
                return self.reply(302, None, headers={"Location": "/v1/notes"})
            if path == "/v1/report":
                with LOCK:
                    count = len(NOTES)
                return self.reply(200, f"{count} notes", "text/plain; charset=utf-8")
            if path == "/v1/broken":
                return self.reply(200, [1, 2, 3])
            if path == "/pet" and method == "POST":
                if not isinstance(body, dict) or "name" not in body or "photoUrls" not in body:
                    return self.reply(405, {"message": "Invalid input"})
                return self.reply(200, {**body, "id": 10, "num": int(query.get("num", ["0"])[0])})
            if path == "/trans" and method == "POST":
                return self.reply(201, {"subscribed": body})
            if path == "/other" and method == "POST":
                return self.reply(201, {"queryUrl": query.get("queryUrl", [None])[0]})
            return self.reply(404, {"error": f"no route {method} {path}"})
        except (ValueError, KeyError, TypeError) as error:
            return self.reply(400, {"error": f"bad request: {error}"})

    def do_GET(self) -> None:
        self.handle_one("GET")

    def do_POST(self) -> None:
        self.handle_one("POST")

    def do_DELETE(self) -> None:
        self.handle_one("DELETE")

    def do_PUT(self) -> None:
        self.handle_one("PUT")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="secret-key")
    args = parser.parse_args()
    KEY[0] = args.key
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"READY {server.server_address[1]}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
