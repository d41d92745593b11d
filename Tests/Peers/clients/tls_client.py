#!/usr/bin/env python3
"""List tools and call some through the gateway over HTTPS with the official MCP Python SDK
client, trusting a test CA and optionally presenting a client certificate (mutual TLS).
Used by the TLS interop tests.

Prints one JSON object on its last stdout line:
  {"connectError": str|null, "tools": [names...], "calls": [{"tool": ..., "ok": bool, "text": str|null}]}

Example:
  tls_client.py --url https://127.0.0.1:8443/mcp --cacert ca.pem --cert agent.pem --key agent.key \
      --mode 2026-07-28 --call 'notes__echo={"text":"hi"}'
"""

from __future__ import annotations

import argparse
import json
import ssl
import sys
from typing import Any

import anyio
import httpx2
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client

TIMEOUT = 20.0


def describe(error: BaseException) -> str:
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}"


async def run(args: argparse.Namespace) -> dict[str, Any]:
    context = ssl.create_default_context(cafile=args.cacert)
    if args.cert:
        context.load_cert_chain(args.cert, args.key)
    report: dict[str, Any] = {"connectError": None, "tools": [], "calls": []}
    try:
        async with (
            httpx2.AsyncClient(verify=context, timeout=httpx2.Timeout(TIMEOUT)) as http,
            Client(streamable_http_client(args.url, http_client=http), mode=args.mode, cache=None, read_timeout_seconds=TIMEOUT) as client,
        ):
            cursor: str | None = None
            while True:
                page = await client.list_tools(cursor=cursor, cache_mode="bypass")
                report["tools"].extend(tool.name for tool in page.tools)
                cursor = page.next_cursor
                if cursor is None:
                    break
            for spec in args.call:
                tool, _, raw = spec.partition("=")
                try:
                    result = await client.call_tool(tool, json.loads(raw) if raw else {})
                    text = "".join(getattr(block, "text", "") for block in result.content)
                    report["calls"].append({"tool": tool, "ok": not result.is_error, "text": text})
                except MCPError as e:
                    report["calls"].append({"tool": tool, "ok": False, "text": None, "code": e.code})
    except Exception as e:  # noqa: BLE001 — the report says what went wrong
        report["connectError"] = describe(e)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--cacert", required=True, help="PEM file of the CA that issued the gateway's certificate")
    parser.add_argument("--cert", help="client certificate (PEM) for mutual TLS")
    parser.add_argument("--key", help="its private key (PEM)")
    parser.add_argument("--mode", default="legacy", help='"legacy" or "2026-07-28"')
    parser.add_argument("--call", action="append", default=[], help="TOOL=JSON-ARGUMENTS, repeatable")
    args = parser.parse_args()
    print(json.dumps(anyio.run(run, args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
