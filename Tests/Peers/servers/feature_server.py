#!/usr/bin/env python3
"""Feature-rich MCP test server for Switchboard interop tests (official Python SDK, mcp==2.3.0).

Transports: stdio, streamable-http (endpoint /mcp), sse (GET /sse + POST /messages/).
For the HTTP transports the server prints exactly one line `READY <port>` to stderr once it
accepts connections (`--port 0` picks a free port; the line tells which).

Tools: echo, slow, status, ask_user (elicitation), summarize (sampling), add_tool
(runtime tool + notifications/tools/list_changed), crash, plus --extra-tools N `item_NNNN` tools.
Also the resource feature://NAME/readme, the template feature://NAME/items/{id} and the prompt greet.
tools/list is paginated (--page-size K) by a hand-written handler: MCPServer itself never paginates.

By default (--era both) the server answers both eras: the legacy initialize handshake
(2024-11-05 .. 2025-11-25, the client's offered version is echoed) and 2026-07-28. Elicitation
and sampling use the SDK's Resolve(Elicit/Sample) markers, which become server->client requests
on legacy eras and InputRequiredResult on 2026-07-28.

--era pins one era, the way a single-era server behaves, through a thin gate in front of the SDK
(an ASGI middleware on HTTP, a message filter on stdio):
  legacy  refuses 2026-07-28 the way a 2025-only server does. HTTP: a POST carrying server/discover,
          the modern _meta envelope or a 2026 MCP-Protocol-Version gets a bare 400 with a JSON-RPC
          -32600 "Bad Request: Missing session ID" (stateful; with --stateless "Unsupported protocol
          version"), id "server-error", like mcp 1.x servers. stdio: server/discover gets -32601
          Method not found, any other enveloped request -32600, so the connection never turns modern.
  modern  refuses the handshake the way a 2026-only server does. HTTP: initialize, and any POST
          without MCP-Protocol-Version: 2026-07-28, gets 400 with -32022 UnsupportedProtocolVersion
          {supported: ["2026-07-28"], requested}; GET and DELETE get 405. stdio: initialize gets the
          same -32022 error, a request without the envelope -32602, notifications/initialized is dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Annotated, Any

import anyio
import mcp_types as types
from pydantic import BaseModel

from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.stdio import stdio_server
from mcp.server.mcpserver import (
    AcceptedElicitation,
    Context,
    Elicit,
    ElicitationResult,
    MCPServer,
    Resolve,
    Sample,
)
from mcp.shared.exceptions import MCPError, UrlElicitationRequiredError
from mcp.shared.message import SessionMessage

COUNTERS: dict[str, int] = {"slow_started": 0, "slow_completed": 0, "slow_cancelled": 0, "url_elicitations": 0}

MODERN_VERSIONS = ("2026-07-28",)
VERSION_META_KEY = "io.modelcontextprotocol/protocolVersion"


def log(msg: str) -> None:
    print(f"[feature_server {os.getpid()}] {msg}", file=sys.stderr, flush=True)


class Answer(BaseModel):
    answer: str


def ask_resolver(question: str) -> Elicit[Answer]:
    return Elicit(question, Answer)


def summarize_resolver(text: str) -> Sample:
    message = types.SamplingMessage(role="user", content=types.TextContent(type="text", text=f"Summarize: {text}"))
    return Sample([message], max_tokens=100)


def sampled_text(result: types.CreateMessageResult) -> str:
    content = result.content
    blocks = content if isinstance(content, list) else [content]
    return "".join(getattr(b, "text", "") for b in blocks)


def build_server(args: argparse.Namespace) -> MCPServer:
    name = args.name
    mcp = MCPServer(name, version="1.0.0", instructions=f"Switchboard feature test server {name}", log_level="WARNING")

    @mcp.tool(description="Returns its input text.")
    def echo(text: str) -> str:
        if args.call_log:
            # What this server saw, line by line, for tests that compare it with the audit trail.
            with open(args.call_log, "a") as seen:
                seen.write(text + "\n")
        return text

    @mcp.tool(description="Sleeps `seconds`, sending `steps` progress notifications; cancellable.")
    async def slow(ctx: Context, seconds: float = 1.0, steps: int = 5) -> str:
        steps = max(1, min(steps, 10_000))
        COUNTERS["slow_started"] += 1
        try:
            for i in range(steps):
                await anyio.sleep(max(0.0, seconds) / steps)
                await ctx.report_progress(i + 1, steps, f"step {i + 1}/{steps}")
        except anyio.get_cancelled_exc_class():
            COUNTERS["slow_cancelled"] += 1
            log(f"slow cancelled (request {ctx.request_id})")
            raise
        COUNTERS["slow_completed"] += 1
        return "done"

    @mcp.tool(description="JSON counters of this server process.")
    def status() -> str:
        return json.dumps({"pid": os.getpid(), **COUNTERS, "name": name})

    @mcp.tool(description="Asks the user a question (form elicitation) and returns the answer.")
    async def ask_user(question: str, outcome: Annotated[ElicitationResult[Answer], Resolve(ask_resolver)]) -> str:
        if isinstance(outcome, AcceptedElicitation):
            return f"answer: {outcome.data.answer}"
        return f"action: {outcome.action}"

    @mcp.tool(description="Summarizes text with the client's LLM (sampling/createMessage).")
    async def summarize(text: str, sampled: Annotated[types.CreateMessageResult, Resolve(summarize_resolver)]) -> str:
        return sampled_text(sampled)

    @mcp.tool(description="Registers a tool NAME at run time and announces notifications/tools/list_changed.")
    async def add_tool(name: str, ctx: Context) -> str:
        def hello() -> str:
            return f"hello from {name}"

        mcp.add_tool(hello, name=name, description=f"Added at run time: {name}")
        await announce_tools_changed(ctx, args.notify_via)
        return f"added {name}"

    def needs_url() -> str:
        COUNTERS["url_elicitations"] += 1
        if COUNTERS["url_elicitations"] % 2 == 1:
            raise UrlElicitationRequiredError([
                types.ElicitRequestURLParams(
                    mode="url", message="Authorize the feature server", url=f"https://example.com/authorize/{name}", elicitation_id=f"auth-{name}"
                )
            ])
        return "authorized"

    if args.url_elicitation:
        mcp.add_tool(
            needs_url,
            name="needs_url",
            description="Needs the user to visit a URL first: calls 1, 3, 5, … fail with -32042 (URL elicitation required, 2025-11-25); the call after each succeeds.",
        )

    def trace_context(ctx: Context) -> str:
        meta = ctx.request_context.meta or {}
        headers = ctx.headers or {}
        return json.dumps({"traceparent": meta.get("traceparent"), "tracestate": meta.get("tracestate"), "header": headers.get("traceparent")})

    if args.trace_tool:
        mcp.add_tool(
            trace_context,
            name="trace_context",
            description="The trace context its request carried: _meta.traceparent, _meta.tracestate, and the traceparent header over HTTP.",
        )

    @mcp.tool(description="Exits the server process at once (exit code 3).")
    def crash() -> str:
        log("crash requested")
        os._exit(3)

    def item(text: str = "") -> str:
        return text

    for i in range(args.extra_tools):
        mcp.add_tool(item, name=f"item_{i:04d}", description=f"Extra tool {i}")

    @mcp.resource(f"feature://{name}/readme", name="readme", mime_type="text/plain")
    def readme() -> str:
        return f"Readme of feature server {name}"

    @mcp.resource(f"feature://{name}/items/{{id}}", name="item", mime_type="text/plain")
    def item_resource(id: str) -> str:
        return f"item {id} of {name}"

    @mcp.prompt(description="Greets someone.")
    def greet(name: str) -> str:
        return f"Hello, {name}! Greetings from {mcp.name}."

    install_paginated_tools_list(mcp, args.page_size)
    force_list_changed(mcp._lowlevel_server)  # pyright: ignore[reportPrivateUsage]
    return mcp


async def announce_tools_changed(ctx: Context, via: str) -> None:
    """Legacy eras: notifications/tools/list_changed; 2026-07-28: the subscriptions/listen bus."""
    if ctx.protocol_version == "2026-07-28":
        await ctx.notify_tools_changed()
        return
    note = types.ToolListChangedNotification()
    if via in ("request", "both"):
        # Rides the add_tool request's own stream (the POST's SSE stream on Streamable HTTP).
        await ctx.session.send_notification(note, related_request_id=ctx.request_context.request_id)
    if via in ("standalone", "both"):
        # The connection's standalone channel (the GET stream on Streamable HTTP).
        await ctx.session.send_notification(note)


def install_paginated_tools_list(mcp: MCPServer, page_size: int) -> None:
    """Replace MCPServer's unpaginated tools/list with one that pages by `page_size` (0 = one page)."""

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams) -> types.ListToolsResult:
        tools = await mcp.list_tools()
        if page_size <= 0:
            return types.ListToolsResult(tools=tools)
        start = 0
        if params.cursor is not None:
            if not params.cursor.startswith("off:") or not params.cursor[4:].isdigit():
                raise MCPError(code=types.INVALID_PARAMS, message=f"invalid cursor {params.cursor!r}")
            start = int(params.cursor[4:])
        end = start + page_size
        next_cursor = f"off:{end}" if end < len(tools) else None
        return types.ListToolsResult(tools=tools[start:end], next_cursor=next_cursor)

    mcp._lowlevel_server.add_request_handler("tools/list", types.PaginatedRequestParams, list_tools)  # pyright: ignore[reportPrivateUsage]


def force_list_changed(low: Server[Any]) -> None:
    """MCPServer advertises listChanged:false on legacy eras; every transport calls this method."""
    original = low.create_initialization_options

    def create_initialization_options(notification_options: NotificationOptions | None = None, *a: Any, **kw: Any):
        opts = notification_options or NotificationOptions(tools_changed=True, prompts_changed=True)
        return original(opts, *a, **kw)

    low.create_initialization_options = create_initialization_options  # type: ignore[method-assign]


# --------------------------------------------------------------------------- era gates


def has_modern_envelope(params: Any) -> bool:
    meta = params.get("_meta") if isinstance(params, dict) else None
    return isinstance(meta, dict) and VERSION_META_KEY in meta


def unsupported_version(request_id: Any, requested: Any) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {
            "code": -32022,
            "message": "Unsupported protocol version: this server speaks 2026-07-28 only",
            "data": {"supported": list(MODERN_VERSIONS), "requested": requested},
        },
    }


class HTTPEraGate:
    """ASGI middleware that pins the Streamable HTTP app to one era (see the module docstring)."""

    def __init__(self, app: Any, era: str, stateless: bool) -> None:
        self.app = app
        self.era = era
        self.stateless = stateless

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.era == "both":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if self.era == "modern" and method in ("GET", "DELETE"):
            await self.respond(send, 405, None, [(b"allow", b"POST")])
            return
        if method != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            event = await receive()
            if event["type"] == "http.disconnect":
                return
            chunks.append(event.get("body", b""))
            if not event.get("more_body", False):
                break
        body = b"".join(chunks)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            message = json.loads(body)
        except ValueError:
            message = None
        refusal = self.refusal(headers.get("mcp-protocol-version"), message if isinstance(message, dict) else {})
        if refusal is not None:
            log(f"era gate ({self.era}) refused {(message or {}).get('method') if isinstance(message, dict) else 'a batch'}")
            await self.respond(send, 400, refusal)
            return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def refusal(self, version_header: str | None, message: dict[str, Any]) -> dict[str, Any] | None:
        method = message.get("method")
        params = message.get("params")
        if self.era == "legacy":
            if method == "server/discover" or has_modern_envelope(params) or version_header in MODERN_VERSIONS:
                reason = (
                    f"Bad Request: Unsupported protocol version: {version_header}"
                    if self.stateless
                    else "Bad Request: Missing session ID"
                )
                return {"jsonrpc": "2.0", "id": "server-error", "error": {"code": -32600, "message": reason}}
            return None
        if method == "initialize":
            requested = params.get("protocolVersion") if isinstance(params, dict) else None
            return unsupported_version(message.get("id"), requested)
        if version_header not in MODERN_VERSIONS:
            return unsupported_version(message.get("id"), version_header)
        return None

    @staticmethod
    async def respond(send: Any, status: int, body: dict[str, Any] | None, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        head = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": head + (headers or [])})
        await send({"type": "http.response.body", "body": payload})


def stdio_refusal(item: Any, era: str) -> Any:
    """For a message read on stdio: None to pass it on, DROP, or the JSON-RPC error to answer."""
    if not isinstance(item, SessionMessage):
        return None
    message = item.message
    if isinstance(message, types.JSONRPCNotification):
        return DROP if era == "modern" and message.method == "notifications/initialized" else None
    if not isinstance(message, types.JSONRPCRequest):
        return None
    params = message.params
    if era == "legacy":
        if message.method == "server/discover":
            return error_message(message.id, -32601, "Method not found")
        if has_modern_envelope(params):
            return error_message(message.id, -32600, "Invalid request: this server speaks the initialize handshake only")
        return None
    if message.method == "initialize":
        requested = params.get("protocolVersion") if isinstance(params, dict) else None
        refusal = unsupported_version(message.id, requested)["error"]
        return error_message(message.id, refusal["code"], refusal["message"], refusal["data"])
    if not has_modern_envelope(params):
        return error_message(message.id, -32602, f"Invalid params: _meta[{VERSION_META_KEY!r}] is required")
    return None


DROP = object()


def error_message(request_id: Any, code: int, message: str, data: Any = None) -> types.JSONRPCError:
    error = types.ErrorData(code=code, message=message, data=data) if data is not None else types.ErrorData(code=code, message=message)
    return types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error)


async def serve_stdio(mcp: MCPServer, args: argparse.Namespace) -> None:
    low = mcp._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    async with stdio_server() as (read_stream, write_stream):
        if args.era == "both":
            await low.run(read_stream, write_stream, low.create_initialization_options())
            return
        gated_send, gated_receive = anyio.create_memory_object_stream[Any](0)

        async def gate() -> None:
            async with gated_send:
                async for item in read_stream:
                    refusal = stdio_refusal(item, args.era)
                    if refusal is None:
                        await gated_send.send(item)
                    elif refusal is not DROP:
                        log(f"era gate ({args.era}) refused {item.message.method}")
                        await write_stream.send(SessionMessage(refusal))

        async with anyio.create_task_group() as tg:
            tg.start_soon(gate)
            await low.run(gated_receive, write_stream, low.create_initialization_options())
            tg.cancel_scope.cancel()


async def serve_http(mcp: MCPServer, args: argparse.Namespace) -> None:
    from serving import bind, serve

    if args.transport == "sse":
        app = mcp.sse_app(host=args.host)
    else:
        app = HTTPEraGate(
            mcp.streamable_http_app(host=args.host, json_response=args.json_response, stateless_http=args.stateless),
            args.era,
            args.stateless,
        )
    sock, _ = bind(args.host, args.port)
    tls: dict = {}
    if args.tls_cert:
        import ssl

        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
        if args.tls_client_ca:
            tls |= {"ssl_ca_certs": args.tls_client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    await serve(app, sock, **tls)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transport", choices=["stdio", "streamable-http", "sse"], default="stdio")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port (see the READY line)")
    p.add_argument("--name", default="feature", help="serverInfo.name, also used in resource URIs")
    p.add_argument("--call-log", help="echo appends each text it is called with to this file")
    p.add_argument("--extra-tools", type=int, default=0, help="add N tools item_0000..item_{N-1}")
    p.add_argument("--page-size", type=int, default=0, help="tools/list page size (0 = no pagination)")
    p.add_argument(
        "--notify-via",
        choices=["request", "standalone", "both"],
        default="request",
        help="legacy channel for tools/list_changed: the add_tool request's stream, the standalone stream, or both",
    )
    p.add_argument("--url-elicitation", action="store_true", help="add the tool needs_url (-32042 on every other call, starting with the first)")
    p.add_argument("--trace-tool", action="store_true", help="add the tool trace_context (the traceparent its request carried)")
    p.add_argument("--json-response", action="store_true", help="streamable-http: answer with JSON, not SSE")
    p.add_argument("--stateless", action="store_true", help="streamable-http: stateless mode (no session)")
    p.add_argument(
        "--era",
        choices=["legacy", "modern", "both"],
        default="both",
        help="protocol era(s) served: legacy (initialize only), modern (2026-07-28 only) or both; not for sse",
    )
    p.add_argument("--tls-cert", help="HTTP kinds: serve https with this PEM certificate chain")
    p.add_argument("--tls-key", help="the PEM private key of --tls-cert")
    p.add_argument("--tls-client-ca", help="with --tls-cert: require client certificates issued by this PEM CA")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.transport == "sse" and args.era == "modern":
        p.error("--era modern: HTTP+SSE exists only in the legacy era")
    return args


def main() -> None:
    args = parse_args()
    mcp = build_server(args)
    if args.transport == "stdio":
        anyio.run(serve_stdio, mcp, args)
    else:
        anyio.run(serve_http, mcp, args)


if __name__ == "__main__":
    main()
