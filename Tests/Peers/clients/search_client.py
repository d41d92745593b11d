#!/usr/bin/env python3
"""The official SDK client (mcp==2.3.0) at a virtual server in search mode: lists the tools, searches
with search_tools, and calls the best tool found through call_tool, in either era, for
Switchboard's search-mode tests.

  search_client.py --mode legacy|2026-07-28 --url http://HOST:PORT/mcp/NAME --query WORDS [--arguments JSON]

Prints one JSON line: {"listed": [NAME, …], "found": [NAME, …], "called": NAME, "answer": TEXT}.
Exit 0 when the call through call_tool answered without error.
"""

from __future__ import annotations

import argparse
import json
import sys

import anyio
from mcp import Client


async def run(args: argparse.Namespace) -> int:
    async with Client(args.url, mode=args.mode) as client:
        listed = [tool.name for tool in (await client.list_tools()).tools]
        searched = await client.call_tool("search_tools", {"query": args.query})
        found = [tool["name"] for tool in (searched.structured_content or {}).get("tools", [])]
        if searched.is_error or not found:
            print(json.dumps({"listed": listed, "found": found, "error": "nothing found"}), flush=True)
            return 1
        result = await client.call_tool("call_tool", {"name": found[0], "arguments": json.loads(args.arguments)})
        answer = "".join(getattr(block, "text", "") for block in result.content)
        print(json.dumps({"listed": listed, "found": found, "called": found[0], "answer": answer}), flush=True)
        return 1 if result.is_error else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["legacy", "2026-07-28"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--query", required=True)
    parser.add_argument("--arguments", default="{}")
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
