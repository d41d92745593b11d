#!/usr/bin/env python3
"""Feature-rich MCP test server for Switchboard interop tests (official Python SDK, mcp==2.3.0).

Transports: stdio, streamable-http (endpoint /mcp), sse (GET /sse + POST /messages/).
For the HTTP transports the server prints exactly one line `READY <port>` to stderr once it
accepts connections (`--port 0` picks a free port; the line tells which).

Tools: echo, slow, status, ask_user (elicitation), summarize (sampling), add_tool
(runtime tool + notifications/tools/list_changed), crash, plus --extra-tools N `item_NNNN` tools.
Also the resource feature://NAME/readme, the template feature://NAME/items/{id} and the prompt greet.
tools/list is paginated (--page-size K) by a hand-written handler: MCPServer itself never paginates.

The server answers both eras: the legacy initialize handshake (2024-11-05 .. 2025-11-25, the
client's offered version is echoed) and 2026-07-28. Elicitation and sampling use the SDK's
Resolve(Elicit/Sample) markers, which become server->client requests on legacy eras and
InputRequiredResult on 2026-07-28.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from typing import Annotated, Any

import anyio
import mcp_types as types
from pydantic import BaseModel

from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.mcpserver import (
    AcceptedElicitation,
    Context,
    Elicit,
    ElicitationResult,
    MCPServer,
    Resolve,
    Sample,
)
from mcp.shared.exceptions import MCPError

COUNTERS: dict[str, int] = {"slow_started": 0, "slow_completed": 0, "slow_cancelled": 0}


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


async def serve_http(mcp: MCPServer, args: argparse.Namespace) -> None:
    import uvicorn

    if args.transport == "sse":
        app = mcp.sse_app(host=args.host)
    else:
        app = mcp.streamable_http_app(
            host=args.host, json_response=args.json_response, stateless_http=args.stateless
        )
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))

    async def announce() -> None:
        with anyio.fail_after(30):
            while not server.started:
                await anyio.sleep(0.01)
        print(f"READY {port}", file=sys.stderr, flush=True)

    async with anyio.create_task_group() as tg:
        tg.start_soon(announce)
        await server.serve(sockets=[sock])
        tg.cancel_scope.cancel()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transport", choices=["stdio", "streamable-http", "sse"], default="stdio")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port (see the READY line)")
    p.add_argument("--name", default="feature", help="serverInfo.name, also used in resource URIs")
    p.add_argument("--extra-tools", type=int, default=0, help="add N tools item_0000..item_{N-1}")
    p.add_argument("--page-size", type=int, default=0, help="tools/list page size (0 = no pagination)")
    p.add_argument(
        "--notify-via",
        choices=["request", "standalone", "both"],
        default="request",
        help="legacy channel for tools/list_changed: the add_tool request's stream, the standalone stream, or both",
    )
    p.add_argument("--json-response", action="store_true", help="streamable-http: answer with JSON, not SSE")
    p.add_argument("--stateless", action="store_true", help="streamable-http: stateless mode (no session)")
    return p.parse_args(argv)


def main() -> None:
    args = parse_args()
    mcp = build_server(args)
    if args.transport == "stdio":
        anyio.run(mcp.run_stdio_async)
    else:
        anyio.run(serve_http, mcp, args)


if __name__ == "__main__":
    main()
