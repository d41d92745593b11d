#!/usr/bin/env python3
"""An MCP server whose tool and prompt names and resource URIs are whatever the test gives it
(official Python SDK, mcp==2.3.0, stdio), for Switchboard's naming tests: dotted names, over-long
names, names and URIs another server also uses. Every call and read answers with the server's
label and the name or URI it was asked for, so a test sees which server a shown name reached; a
subscription is answered with an update of its URI at once.

  naming_server.py --label A --tools NAME [NAME ...] [--prompts NAME ...] [--resources URI ...]
                   [--templates TEMPLATE ...]
"""

from __future__ import annotations

import argparse
from typing import Any

import anyio
import mcp_types as types

from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server


def build(label: str, tools: list[str], prompts: list[str], resources: list[str], templates: list[str]) -> MCPServer:
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

    if resources or templates:
        async def list_resources(ctx: Any, params: types.PaginatedRequestParams) -> types.ListResourcesResult:
            return types.ListResourcesResult(resources=[types.Resource(uri=uri, name=f"{label} {uri}") for uri in resources])

        async def list_templates(ctx: Any, params: types.PaginatedRequestParams) -> types.ListResourceTemplatesResult:
            return types.ListResourceTemplatesResult(
                resource_templates=[types.ResourceTemplate(uri_template=t, name=f"{label} {t}") for t in templates]
            )

        async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
            return types.ReadResourceResult(contents=[types.TextResourceContents(uri=str(params.uri), text=f"{label}:{params.uri}")])

        async def subscribe(ctx: Any, params: types.SubscribeRequestParams) -> types.EmptyResult:
            await ctx.session.send_resource_updated(str(params.uri))
            return types.EmptyResult()

        async def unsubscribe(ctx: Any, params: types.UnsubscribeRequestParams) -> types.EmptyResult:
            return types.EmptyResult()

        low.add_request_handler("resources/list", types.PaginatedRequestParams, list_resources)
        low.add_request_handler("resources/templates/list", types.PaginatedRequestParams, list_templates)
        low.add_request_handler("resources/read", types.ReadResourceRequestParams, read_resource)
        low.add_request_handler("resources/subscribe", types.SubscribeRequestParams, subscribe)
        low.add_request_handler("resources/unsubscribe", types.UnsubscribeRequestParams, unsubscribe)
    return mcp


async def main(args: argparse.Namespace) -> None:
    low = build(args.label, args.tools, args.prompts or [], args.resources or [], args.templates or [])._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    async with stdio_server() as (read_stream, write_stream):
        await low.run(read_stream, write_stream, low.create_initialization_options())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--tools", nargs="+", required=True)
    parser.add_argument("--prompts", nargs="*")
    parser.add_argument("--resources", nargs="*")
    parser.add_argument("--templates", nargs="*")
    anyio.run(main, parser.parse_args())
