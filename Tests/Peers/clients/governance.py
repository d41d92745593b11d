#!/usr/bin/env python3
"""Run one caller's view of the gateway with the official MCP Python SDK client: every page of
tools/list (and prompts/list), then a list of tool calls. Used by the governance matrix test.

Prints one JSON object on its last stdout line:
  {"connected": bool, "connectError": str|null, "tools": [names...], "pages": n,
   "prompts": [names...],
   "calls": [{"tool": ..., "ok": bool, "text": str|null, "code": int|null, "message": str|null, "data": any}]}

Examples:
  governance.py --url http://127.0.0.1:8080/mcp --header "X-API-Key: sb_..." --mode legacy \
      --call 'clock__add={"a":1,"b":2}' --call 'notes__echo={"text":"hi"}'
  governance.py --url http://127.0.0.1:8080/mcp/ops --header "Authorization: Bearer eyJ..." --mode 2026-07-28
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import anyio
import mcp_types as types
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

CALL_TIMEOUT = 20.0


def describe(error: BaseException) -> str:
    """The innermost message of an exception group (connect failures arrive wrapped)."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}"


async def list_all(client: Client, kind: str) -> tuple[list[str], int]:
    names: list[str] = []
    cursor: str | None = None
    for page in range(1, 1001):
        if kind == "tools":
            result = await client.list_tools(cursor=cursor, cache_mode="bypass")
            names.extend(tool.name for tool in result.tools)
        else:
            result = await client.list_prompts(cursor=cursor, cache_mode="bypass")
            names.extend(prompt.name for prompt in result.prompts)
        cursor = result.next_cursor
        if cursor is None:
            return names, page
    raise RuntimeError(f"{kind}/list still had a nextCursor after 1000 pages")


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    try:
        with anyio.fail_after(CALL_TIMEOUT):
            result = await client.call_tool(tool, arguments)
    except MCPError as e:
        error = getattr(e, "error", None)
        return {
            "tool": tool, "ok": False, "text": None, "code": e.code,
            "message": getattr(error, "message", str(e)), "data": getattr(error, "data", None),
        }
    text = "".join(getattr(block, "text", "") for block in result.content)
    return {"tool": tool, "ok": not result.is_error, "text": text, "code": None, "message": None, "data": None}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    headers = {}
    for header in args.header:
        name, _, value = header.partition(":")
        headers[name.strip()] = value.strip()
    report: dict[str, Any] = {"connected": False, "connectError": None, "tools": [], "pages": 0, "prompts": [], "calls": []}
    transport = streamable_http_client(args.url, http_client=create_mcp_http_client(headers=headers))
    try:
        async with Client(transport, mode=args.mode, cache=None, read_timeout_seconds=CALL_TIMEOUT) as client:
            report["connected"] = True
            report["tools"], report["pages"] = await list_all(client, "tools")
            if args.prompts:
                report["prompts"], _ = await list_all(client, "prompts")
            for spec in args.call:
                tool, _, raw = spec.partition("=")
                report["calls"].append(await call(client, tool, json.loads(raw) if raw else {}))
    except Exception as e:  # noqa: BLE001 — the report says what went wrong
        if not report["connected"]:
            report["connectError"] = describe(e)
        else:
            raise
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--header", action="append", default=[], help='"Name: value", repeatable')
    parser.add_argument("--mode", default="legacy", help='"legacy" or "2026-07-28"')
    parser.add_argument("--prompts", action="store_true", help="also list every page of prompts")
    parser.add_argument("--call", action="append", default=[], help="TOOL=JSON-ARGUMENTS, repeatable")
    args = parser.parse_args()
    report = anyio.run(run, args)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
