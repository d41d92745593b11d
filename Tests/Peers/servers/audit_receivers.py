"""Receivers for the audit sinks, each what a SIEM or collector would run, in one process:

- a webhook (HTTP) that answers 503 to its first --fail-first POSTs, then 200, checking the
  X-Switchboard-Signature HMAC against --secret-file (401 when it does not hold);
- a syslog listener over TCP reading octet-counted frames (RFC 6587);
- an OTLP/HTTP endpoint decoding each body with opentelemetry-proto's own
  ExportLogsServiceRequest (/v1/logs) or ExportTraceServiceRequest (/v1/traces); 400 when
  it does not decode.

Ports are bound before anything else (0: any); `READY <webhook> <syslog> <otlp>` goes to
stderr once all three accept. What each receives is appended to files in --out:
webhook.jsonl (the lines), webhook-requests.jsonl (headers of each accepted request),
syslog.txt (one message a line), otlp.jsonl (one decoded log record a line), spans.jsonl
(one decoded span a line)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import socketserver
import sys
import threading
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

args: argparse.Namespace
lock = threading.Lock()
webhook_posts = 0


def append(name: str, text: str) -> None:
    with lock, open(os.path.join(args.out, name), "a", encoding="utf-8") as f:
        f.write(text)


def otlp_json(body: bytes, message: Any) -> Any:
    """Parses OTLP/JSON into MESSAGE. OTLP's JSON differs from protobuf's own mapping in one
    way: trace and span ids are hex, not base64 (and must be 32 and 16 digits), so they are
    turned into what json_format expects first, as the Collector does."""
    sizes = {"traceId": 32, "spanId": 16, "parentSpanId": 16}

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key in sizes and isinstance(item, str):
                    if item and len(item) != sizes[key]:
                        raise ValueError(f"{key} {item!r} is not {sizes[key]} hex digits")
                    out[key] = base64.b64encode(bytes.fromhex(item)).decode()
                else:
                    out[key] = convert(item)
            return out
        if isinstance(value, list):
            return [convert(item) for item in value]
        return value

    return json_format.ParseDict(convert(json.loads(body)), message)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass

    def answer(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        if body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Webhook(Handler):
    def do_POST(self) -> None:  # noqa: N802
        global webhook_posts
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            webhook_posts += 1
            attempt = webhook_posts
        if attempt <= args.fail_first:
            self.answer(503)
            return
        if args.secret_file:
            secret = open(args.secret_file, "rb").read().strip()
            expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-Switchboard-Signature", "")):
                self.answer(401)
                return
        append("webhook.jsonl", body.decode())
        append("webhook-requests.jsonl", json.dumps({
            "content_type": self.headers.get("Content-Type"),
            "idempotency_key": self.headers.get("Idempotency-Key"),
            "records": self.headers.get("X-Switchboard-Audit-Records"),
        }) + "\n")
        self.answer(200)


class OTLP(Handler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/traces":
            self.traces(body)
            return
        try:
            if self.path != "/v1/logs" or self.headers.get("Content-Type") != "application/json":
                raise ValueError(f"{self.path} {self.headers.get('Content-Type')}")
            request = otlp_json(body, ExportLogsServiceRequest())
        except Exception as error:  # noqa: BLE001 - any decoding failure is the answer
            append("otlp-errors.txt", f"{error}\n")
            self.answer(400)
            return
        for resource_logs in request.resource_logs:
            service = {a.key: a.value.string_value for a in resource_logs.resource.attributes}.get("service.name")
            for scope_logs in resource_logs.scope_logs:
                for record in scope_logs.log_records:
                    attributes = {a.key: (a.value.string_value or a.value.int_value) for a in record.attributes}
                    append("otlp.jsonl", json.dumps({
                        "service": service, "scope": scope_logs.scope.name, "event": record.event_name,
                        "seq": attributes.get("switchboard.audit.seq"), "tool": attributes.get("gen_ai.tool.name"),
                        "user": attributes.get("user.id"), "severity": record.severity_number,
                        "time_ns": record.time_unix_nano, "body": record.body.string_value,
                    }) + "\n")
        self.answer(200, b"{}")


    def traces(self, body: bytes) -> None:
        try:
            if self.headers.get("Content-Type") != "application/json":
                raise ValueError(self.headers.get("Content-Type"))
            request = otlp_json(body, ExportTraceServiceRequest())
        except Exception as error:  # noqa: BLE001 - any decoding failure is the answer
            append("otlp-errors.txt", f"traces: {error}\n")
            self.answer(400)
            return
        for resource_spans in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}.get("service.name")
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    append("spans.jsonl", json.dumps({
                        "service": service, "name": span.name, "kind": span.kind,
                        "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(), "parent_span_id": span.parent_span_id.hex(),
                        "trace_state": span.trace_state, "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                        "status": span.status.code, "links": [{"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex()} for l in span.links],
                        "attributes": {a.key: (a.value.string_value or a.value.int_value) for a in span.attributes},
                    }) + "\n")
        self.answer(200, b"{}")


class Syslog(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        while True:
            length = b""
            while True:
                byte = self.rfile.read(1)
                if not byte:
                    return
                if byte == b" ":
                    break
                length += byte
            message = self.rfile.read(int(length))
            append("syslog.txt", message.decode() + "\n")


class ThreadingTCP(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main() -> None:
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--webhook-port", type=int, default=0)
    parser.add_argument("--syslog-port", type=int, default=0)
    parser.add_argument("--otlp-port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--secret-file")
    args = parser.parse_args()
    webhook = ThreadingHTTPServer(("127.0.0.1", args.webhook_port), Webhook)
    syslog = ThreadingTCP(("127.0.0.1", args.syslog_port), Syslog)
    otlp = ThreadingHTTPServer(("127.0.0.1", args.otlp_port), OTLP)
    for server in (webhook, syslog, otlp):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {webhook.server_address[1]} {syslog.server_address[1]} {otlp.server_address[1]}", file=sys.stderr, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
