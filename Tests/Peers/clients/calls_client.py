#!/usr/bin/env python3
"""The official SDK client (mcp==2.3.0) lists a gateway's tools and makes the calls it is given,
in order, in either era. The SDK checks each result's `structuredContent` against the tool's
`outputSchema` itself; a call it refuses is reported as an exception, not a failure of the run.

  calls_client.py --mode legacy|2026-07-28 --url http://HOST:PORT/mcp --calls '[["TOOL", {ARGS}], …]'

Prints one JSON line: {"tools": {NAME: {"input": SCHEMA, "output": SCHEMA|null, "annotations": {…}}},
"calls": [{"tool": NAME, "error": BOOL, "text": TEXT, "structured": JSON|null} or {"tool": NAME,
"exception": TEXT}, …]}.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import anyio
from mcp import Client


async def run(args: argparse.Namespace) -> int:
    out: dict[str, Any] = {"tools": {}, "calls": []}
    async with Client(args.url, mode=args.mode) as client:
        for tool in (await client.list_tools()).tools:
            out["tools"][tool.name] = {
                "input": tool.input_schema,
                "output": tool.output_schema,
                "annotations": tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else {},
            }
        for name, arguments in json.loads(args.calls):
            try:
                result = await client.call_tool(name, arguments)
            except Exception as error:  # the SDK refused the result, or the call failed
                out["calls"].append({"tool": name, "exception": f"{type(error).__name__}: {error}"})
                continue
            text = "".join(getattr(block, "text", "") for block in result.content)
            out["calls"].append({"tool": name, "error": bool(result.is_error), "text": text, "structured": result.structured_content})
    print(json.dumps(out))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="legacy")
    parser.add_argument("--url", required=True)
    parser.add_argument("--calls", default="[]")
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
