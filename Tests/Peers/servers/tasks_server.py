#!/usr/bin/env python3
"""A 2026-07-28 Streamable HTTP MCP server with the tasks extension (io.modelcontextprotocol/tasks).

mcp 2.3.0 has no server side for the extension, so this small stateless server speaks it by
hand, after docs/extensions/tasks/overview.mdx of the spec repository: `server/discover`
advertises the extension; `tools/call job` returns a CreateTaskResult (`resultType: "task"`)
when the request's clientCapabilities declare the extension and answers synchronously
otherwise; `tasks/get` returns the task (with `result` once completed); `tasks/update` and
`tasks/cancel` are acknowledged with an empty result. Every request's MCP-Protocol-Version,
Mcp-Method and Mcp-Name headers are checked against the body (-32020 with HTTP 400), so a
gateway that names a task wrongly upstream is caught.

Prints `READY <port>` to stderr once it listens (`--port 0` picks a free one).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXTENSION = "io.modelcontextprotocol/tasks"
VERSION = "2026-07-28"
TASKS: dict[str, dict] = {}
LOCK = threading.Lock()


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def text_result(text: str) -> dict:
    return {"resultType": "complete", "content": [{"type": "text", "text": text}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the gateway's pool expects

    def log_message(self, *args) -> None:  # quiet
        pass

    def reply(self, status: int, body: dict | None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status: int, id_, code: int, message: str) -> None:
        self.reply(status, {"jsonrpc": "2.0", "id": id_, "error": {"code": code, "message": message}})

    def do_GET(self) -> None:
        self.reply(405, None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        try:
            msg = json.loads(self.rfile.read(length))
        except ValueError:
            return self.error(400, None, -32700, "Parse error")
        id_, method, params = msg.get("id"), msg.get("method"), msg.get("params") or {}
        meta = params.get("_meta") or {}
        if meta.get("io.modelcontextprotocol/protocolVersion") != VERSION or self.headers.get("MCP-Protocol-Version") != VERSION:
            return self.error(400, id_, -32022, "Unsupported protocol version")
        if self.headers.get("Mcp-Method") != method:
            return self.error(400, id_, -32020, "Mcp-Method differs from the body")
        named = {"tools/call": "name", "tasks/get": "taskId", "tasks/update": "taskId", "tasks/cancel": "taskId"}.get(method)
        if named and self.headers.get("Mcp-Name") != params.get(named):
            return self.error(400, id_, -32020, f"Mcp-Name differs from params.{named}")
        if id_ is None:
            return self.reply(202, None)
        caps = meta.get("io.modelcontextprotocol/clientCapabilities") or {}
        result = self.answer(method, params, caps)
        if isinstance(result, tuple):
            return self.error(200, id_, result[0], result[1])
        if result is None:
            return self.error(404, id_, -32601, f"Method not found: {method}")
        result.setdefault("_meta", {})["io.modelcontextprotocol/serverInfo"] = {"name": "tasks", "version": "1.0.0"}
        self.reply(200, {"jsonrpc": "2.0", "id": id_, "result": result})

    def answer(self, method: str, params: dict, caps: dict):
        if method == "server/discover":
            return {
                "resultType": "complete", "supportedVersions": [VERSION],
                "capabilities": {"tools": {}, "extensions": {EXTENSION: {}}},
                "ttlMs": 0, "cacheScope": "public",
            }
        if method == "tools/list":
            schema = {"type": "object", "properties": {"seconds": {"type": "number"}}}
            return {"resultType": "complete", "tools": [{"name": "job", "description": "A job that takes a while.", "inputSchema": schema}], "ttlMs": 0, "cacheScope": "public"}
        if method == "tools/call":
            if params.get("name") != "job":
                return (-32602, f"Unknown tool: {params.get('name')}")
            seconds = float((params.get("arguments") or {}).get("seconds", 0.3))
            if EXTENSION not in (caps.get("extensions") or {}):
                time.sleep(seconds)
                return text_result("job done (synchronously)")
            with LOCK:
                task_id = f"t-{len(TASKS) + 1}"
                TASKS[task_id] = {"due": time.monotonic() + seconds, "created": now_iso(), "cancelled": False}
            return {"resultType": "task", "taskId": task_id, "status": "working", "createdAt": TASKS[task_id]["created"],
                    "lastUpdatedAt": now_iso(), "ttlMs": 60000, "pollIntervalMs": 100}
        if method in ("tasks/get", "tasks/update", "tasks/cancel"):
            with LOCK:
                task = TASKS.get(params.get("taskId", ""))
            if task is None:
                return (-32602, "Unknown task")
            if method == "tasks/cancel":
                task["cancelled"] = True
                return {"resultType": "complete"}
            if method == "tasks/update":
                return {"resultType": "complete"}
            status = "cancelled" if task["cancelled"] else ("completed" if time.monotonic() >= task["due"] else "working")
            out = {"resultType": "complete", "taskId": params["taskId"], "status": status, "createdAt": task["created"],
                   "lastUpdatedAt": now_iso(), "ttlMs": 60000, "pollIntervalMs": 100}
            if status == "completed":
                out["result"] = text_result("job done")
            return out
        return None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"READY {server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
