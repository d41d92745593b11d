#!/usr/bin/env python3
"""An MCP server that lists the tools of a JSON file as they are written (official Python SDK,
mcp==2.3.0, stdio), for Switchboard's `scan --server` test: the same definitions scanned from
the file and live must get the same verdicts. Calls answer "ok".

  listing_server.py TOOLS.json     (a JSON array of MCP Tool objects)
"""

from __future__ import annotations

import json
import sys
from typing import Any

import anyio
import mcp_types as types

from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server


def build(tools: list[dict[str, Any]]) -> MCPServer:
    mcp = MCPServer("listing")

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[types.Tool.model_validate(t) for t in tools])

    mcp._lowlevel_server.add_request_handler("tools/list", types.PaginatedRequestParams, list_tools)  # pyright: ignore[reportPrivateUsage]
    return mcp


async def main() -> None:
    with open(sys.argv[1]) as f:
        tools = json.load(f)
    low = build(tools)._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    async with stdio_server() as (read_stream, write_stream):
        await low.run(read_stream, write_stream, low.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
