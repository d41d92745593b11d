#!/usr/bin/env python3
"""The official SDK client (mcp==2.3.0) lists a gateway's tools and prompts and calls every one by
the name it was shown, in either era, for Switchboard's naming tests.

  names_client.py --mode legacy|2026-07-28 --url http://HOST:PORT/mcp

Prints one JSON line: {"tools": {SHOWN: ANSWER}, "prompts": {SHOWN: ANSWER}}, where ANSWER is the
text the call returned ("error: …" for a failed one). Exit 0 when every call answered.
"""

from __future__ import annotations

import argparse
import json
import sys

import anyio
from mcp import Client


async def run(args: argparse.Namespace) -> int:
    out: dict[str, dict[str, str]] = {"tools": {}, "prompts": {}}
    failed = False
    async with Client(args.url, mode=args.mode) as client:
        for tool in (await client.list_tools()).tools:
            result = await client.call_tool(tool.name, {})
            text = "".join(getattr(block, "text", "") for block in result.content)
            out["tools"][tool.name] = ("error: " + text) if result.is_error else text
            failed = failed or bool(result.is_error)
        for prompt in (await client.list_prompts()).prompts:
            got = await client.get_prompt(prompt.name, {})
            out["prompts"][prompt.name] = "".join(getattr(m.content, "text", "") for m in got.messages)
    print(json.dumps(out), flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["legacy", "2026-07-28"], required=True)
    parser.add_argument("--url", required=True)
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
