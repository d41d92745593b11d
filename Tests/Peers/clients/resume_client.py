#!/usr/bin/env python3
"""Keep one MCP session across a gateway restart, with the official MCP Python SDK client.

The client initializes, calls `<server>__echo`, prints `READY` on stderr and waits until the
file `--resume-file` exists (the test restarts the gateway on the same address meanwhile). It
then calls `<server>__echo` again and `<server>__summarize`, which asks this client to sample:
the gateway forwards that only if the restored session still knows the client declared
sampling. The SDK never re-initializes on its own (a 404 ends its session), so success means
the session id itself carried the session across.

Exit 0 on success, 1 on failure. The last stdout line is one JSON object:
{"ok": bool, "before": ..., "after": ..., "sampled": ...} or {"ok": false, "error": ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import anyio
import mcp.client.session as client_session_module
import mcp_types as types
from mcp import Client, MCPError

SAMPLED_TEXT = "SWITCHBOARD-RESUMED-SAMPLE"


def log(message: str) -> None:
    print(f"[resume] {message}", file=sys.stderr, flush=True)


async def sample(ctx: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
    return types.CreateMessageResult(
        role="assistant", content=types.TextContent(type="text", text=SAMPLED_TEXT), model="switchboard-test"
    )


async def call(client: Client, name: str, arguments: dict[str, Any]) -> str:
    try:
        result = await client.call_tool(name, arguments)
    except MCPError as e:
        raise RuntimeError(f"{name}: JSON-RPC error {e.code}: {e}") from e
    text = "".join(getattr(block, "text", "") for block in result.content)
    if result.is_error:
        raise RuntimeError(f"{name}: isError result: {text!r}")
    return text


async def run(args: argparse.Namespace) -> dict[str, Any]:
    async with Client(args.url, mode="legacy", cache=None, read_timeout_seconds=20.0, sampling_callback=sample) as client:
        before = await call(client, f"{args.server}__echo", {"text": "before the restart"})
        log("READY")
        while not os.path.exists(args.resume_file):
            await anyio.sleep(0.05)
        after = await call(client, f"{args.server}__echo", {"text": "after the restart"})
        sampled = await call(client, f"{args.server}__summarize", {"text": "a long text"})
        if SAMPLED_TEXT not in sampled:
            raise RuntimeError(f"summarize returned {sampled!r}, expected the sampled text")
        return {"before": before, "after": after, "sampled": sampled}


async def run_bounded(args: argparse.Namespace) -> dict[str, Any]:
    with anyio.fail_after(args.timeout):
        return await run(args)


def describe(e: BaseException) -> str:
    if isinstance(e, BaseExceptionGroup):
        return "; ".join(describe(x) for x in e.exceptions)
    return f"{type(e).__name__}: {e}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="http://127.0.0.1:PORT/mcp")
    p.add_argument("--server", required=True, help="the gateway prefix of a feature server")
    p.add_argument("--resume-file", required=True, help="continue once this file exists")
    p.add_argument("--protocol-version", default="2025-11-25")
    p.add_argument("--timeout", type=float, default=60.0)
    args = p.parse_args()
    # mcp 2.3.0 always offers this module-level constant in initialize (see scenario.py).
    client_session_module.LATEST_HANDSHAKE_VERSION = args.protocol_version  # type: ignore[misc]
    try:
        summary: dict[str, Any] = {"ok": True, **anyio.run(run_bounded, args)}
    except BaseException as e:  # noqa: BLE001 - one JSON line whatever failed
        if isinstance(e, KeyboardInterrupt):
            raise
        log(f"FAILED: {describe(e)}")
        summary = {"ok": False, "error": describe(e)}
    print(json.dumps(summary), flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
