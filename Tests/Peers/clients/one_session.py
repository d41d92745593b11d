#!/usr/bin/env python3
"""One short session of the official SDK client with a gateway, in either era.

  one_session.py --mode legacy|2026-07-28 --tool NAME --arguments JSON -- COMMAND [ARG...]
  one_session.py --mode legacy|2026-07-28 --tool NAME --arguments JSON --url http://HOST:PORT/mcp

Spawns COMMAND (the gateway, e.g. `switchboard stdio --config …`) or connects to URL, lists the
tools, calls one, and ends the session (over stdio by closing stdin, which is how an MCP client
ends a stdio session). Prints one JSON line: {"ok": bool, "tools": N, "result": text}. Exit 0 on
success, 1 on a failed call.
"""

from __future__ import annotations

import argparse
import json
import sys

import anyio
from mcp import Client, StdioServerParameters


async def run(args: argparse.Namespace) -> int:
    target = args.url or StdioServerParameters(command=args.command[0], args=args.command[1:])
    async with Client(target, mode=args.mode) as client:
        tools = await client.list_tools()
        result = await client.call_tool(args.tool, json.loads(args.arguments))
        text = "".join(getattr(block, "text", "") for block in result.content)
        print(json.dumps({"ok": not result.is_error, "tools": len(tools.tools), "result": text}), flush=True)
        return 0 if not result.is_error else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["legacy", "2026-07-28"], required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--arguments", default="{}")
    parser.add_argument("--url", help="a Streamable HTTP endpoint instead of COMMAND")
    parser.add_argument("command", nargs="*")
    args = parser.parse_args()
    if bool(args.url) == bool(args.command):
        parser.error("give either --url or COMMAND")
    return anyio.run(run, args)


if __name__ == "__main__":
    sys.exit(main())
