#!/usr/bin/env python3
"""The official SDK client (mcp 2.3.0) driving a gateway through a list of actions in one
session, for Switchboard's guard tests. Prints one JSON object per action on stdout, and `DONE <step>` on stderr after each.

  guard_client.py --url http://HOST:PORT/mcp --mode legacy|2026-07-28 --actions JSON [--elicitation accept|decline]

With --elicitation the client declares elicitation and answers every form with true for each
boolean it asks ({"approve": true}, {"release": true}; accept) or declines it; the messages it
was asked are printed last as {"elicited": [messages]}.

Actions (a JSON array of arrays):
  ["list"]                          → {"tools": [names]}
  ["call", NAME, ARGUMENTS]         → {"text": …, "texts": [each block], "is_error": bool, "structured": …, "meta": …}
                                      or {"error": {"code", "message", "data"}}
  ["prompt", NAME, ARGUMENTS]       → {"text": the messages' text} or {"error": …}
  ["read", URI]                     → {"text": the contents' text} or {"error": …}
  ["wait_list_changed", SECONDS]    → {"list_changed": bool}   (a tools/list_changed seen since the last wait)
  ["list_until", NAME, PRESENT, SECONDS] → {"tools": [names], "ok": bool}   (lists again until NAME is (not) listed)
  ["call_until", NAME, ARGUMENTS, SECONDS] → like call, repeated while the answer is the error -31012
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import anyio
import mcp.types as types
from mcp import Client
from mcp.shared.exceptions import MCPError


class Notifications:
    def __init__(self) -> None:
        self.list_changed = anyio.Event()

    async def message(self, message: Any) -> None:
        method = getattr(message, "method", None) or getattr(getattr(message, "root", None), "method", None)
        if method == "notifications/tools/list_changed":
            self.list_changed.set()


def failure(e: MCPError) -> dict[str, Any]:
    return {"error": {"code": e.code, "message": str(e), "data": getattr(e, "data", None) or getattr(getattr(e, "error", None), "data", None)}}


async def names(client: Client) -> list[str]:
    return [tool.name for tool in (await client.list_tools()).tools]


async def call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    try:
        result = await client.call_tool(name, arguments)
        texts = [getattr(b, "text", "") for b in result.content]
        return {"text": "".join(texts), "texts": texts, "is_error": bool(result.is_error), "structured": result.structured_content, "meta": result.meta}
    except MCPError as e:
        return failure(e)


async def run(args: argparse.Namespace) -> int:
    seen = Notifications()
    elicited: list[str] = []

    async def elicit(ctx: Any, params: Any) -> types.ElicitResult:
        elicited.append(getattr(params, "message", ""))
        if args.elicitation == "accept":
            schema = getattr(params, "requested_schema", None) or {}
            asked = [name for name, spec in (schema.get("properties") or {}).items() if spec.get("type") == "boolean"]
            return types.ElicitResult(action="accept", content={name: True for name in asked} or {"approve": True})
        return types.ElicitResult(action="decline")

    options: dict[str, Any] = {"elicitation_callback": elicit} if args.elicitation else {}
    async with Client(args.url, mode=args.mode, cache=None, message_handler=seen.message, read_timeout_seconds=30, **options) as client:
        for step, action in enumerate(json.loads(args.actions)):
            kind = action[0]
            if kind == "list":
                out: dict[str, Any] = {"tools": await names(client)}
            elif kind == "call":
                out = await call(client, action[1], action[2] if len(action) > 2 else {})
            elif kind == "call_until":
                with anyio.move_on_after(action[3]):
                    while True:
                        out = await call(client, action[1], action[2])
                        if out.get("error", {}).get("code") != -31012:
                            break
                        await anyio.sleep(0.2)
            elif kind == "prompt":
                try:
                    prompt = await client.get_prompt(action[1], action[2] if len(action) > 2 else {})
                    out = {"text": "".join(getattr(m.content, "text", "") for m in prompt.messages)}
                except MCPError as e:
                    out = failure(e)
            elif kind == "read":
                try:
                    read = await client.read_resource(action[1])
                    out = {"text": "".join(getattr(c, "text", "") for c in read.contents)}
                except MCPError as e:
                    out = failure(e)
            elif kind == "wait_list_changed":
                with anyio.move_on_after(action[1]):
                    await seen.list_changed.wait()
                out = {"list_changed": seen.list_changed.is_set()}
                seen.list_changed = anyio.Event()
            elif kind == "list_until":
                name, present, seconds = action[1], action[2], action[3]
                listed: list[str] = []
                with anyio.move_on_after(seconds):
                    while True:
                        listed = await names(client)
                        if (name in listed) == present:
                            break
                        await anyio.sleep(0.1)
                out = {"tools": listed, "ok": (name in listed) == present}
            else:
                raise SystemExit(f"unknown action {kind}")
            print(json.dumps(out), flush=True)
            # For a test that acts between steps (an operator's approval): "DONE <step>" on stderr.
            print(f"DONE {step}", file=sys.stderr, flush=True)
    if args.elicitation:
        print(json.dumps({"elicited": elicited}), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--mode", choices=["legacy", "2026-07-28"], required=True)
    parser.add_argument("--actions", required=True)
    parser.add_argument("--elicitation", choices=["accept", "decline"])
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
