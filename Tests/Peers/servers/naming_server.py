#!/usr/bin/env python3
"""An MCP server whose tool and prompt names are whatever the test gives it (official Python SDK,
mcp==2.3.0, stdio), for Switchboard's naming tests: dotted names, over-long names, names another
server also uses. Every call answers with the server's label and the name it was called by, so
a test sees which server and which tool a shown name reached.

  naming_server.py --label A --tools NAME [NAME ...] [--prompts NAME [NAME ...]]
"""

from __future__ import annotations

import argparse
from typing import Any

import anyio
import mcp_types as types

from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server


def build(label: str, tools: list[str], prompts: list[str]) -> MCPServer:
    mcp = MCPServer("naming-" + label)
    low = mcp._lowlevel_server  # pyright: ignore[reportPrivateUsage]

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[types.Tool(name=name, description=f"{name} of {label}", input_schema={"type": "object"}) for name in tools]
        )

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in tools:
            return types.CallToolResult(content=[types.TextContent(text=f"unknown tool {params.name}")], is_error=True)
        return types.CallToolResult(content=[types.TextContent(text=f"{label}:{params.name}")])

    low.add_request_handler("tools/list", types.PaginatedRequestParams, list_tools)
    low.add_request_handler("tools/call", types.CallToolRequestParams, call_tool)

    if prompts:
        async def list_prompts(ctx: Any, params: types.PaginatedRequestParams) -> types.ListPromptsResult:
            return types.ListPromptsResult(prompts=[types.Prompt(name=name, description=f"{name} of {label}") for name in prompts])

        async def get_prompt(ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
            return types.GetPromptResult(
                messages=[types.PromptMessage(role="user", content=types.TextContent(text=f"{label}:{params.name}"))]
            )

        low.add_request_handler("prompts/list", types.PaginatedRequestParams, list_prompts)
        low.add_request_handler("prompts/get", types.GetPromptRequestParams, get_prompt)
    return mcp


async def main(args: argparse.Namespace) -> None:
    low = build(args.label, args.tools, args.prompts or [])._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    async with stdio_server() as (read_stream, write_stream):
        await low.run(read_stream, write_stream, low.create_initialization_options())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--tools", nargs="+", required=True)
    parser.add_argument("--prompts", nargs="*")
    anyio.run(main, parser.parse_args())
