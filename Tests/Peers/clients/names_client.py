#!/usr/bin/env python3
"""The official SDK client (mcp==2.3.0) lists a gateway's tools, prompts, resources and templates,
calls and reads every one by the name or URI it was shown (a template with `{id}` set to 7), in
either era, and in legacy mode subscribes to every resource and gathers the updates that come
(until none has come for a second), for Switchboard's naming tests.

  names_client.py --mode legacy|2026-07-28 --url http://HOST:PORT/mcp

Prints one JSON line: {"tools": {SHOWN: ANSWER}, "prompts": {…}, "resources": {…}, "templates":
{EXPANDED: ANSWER}, "updated": [URI, …]} (one entry per update, sorted), where ANSWER is the text returned ("error: …" for a
failed call). Exit 0 when every call answered.
"""

from __future__ import annotations

import argparse
import json
import sys

from typing import Any

import anyio
from mcp import Client


async def run(args: argparse.Namespace) -> int:
    out: dict[str, Any] = {"tools": {}, "prompts": {}, "resources": {}, "templates": {}, "updated": []}
    failed = False
    updated: list[str] = []
    got_update = anyio.Event()

    async def on_message(message: Any) -> None:
        root = getattr(message, "root", message)
        if getattr(root, "method", None) == "notifications/resources/updated":
            updated.append(str(root.params.uri))
            got_update.set()

    async with Client(args.url, mode=args.mode, message_handler=on_message) as client:
        for tool in (await client.list_tools()).tools:
            result = await client.call_tool(tool.name, {})
            text = "".join(getattr(block, "text", "") for block in result.content)
            out["tools"][tool.name] = ("error: " + text) if result.is_error else text
            failed = failed or bool(result.is_error)
        for prompt in (await client.list_prompts()).prompts:
            got = await client.get_prompt(prompt.name, {})
            out["prompts"][prompt.name] = "".join(getattr(m.content, "text", "") for m in got.messages)
        resources = (await client.list_resources()).resources
        for resource in resources:
            read = await client.read_resource(str(resource.uri))
            out["resources"][str(resource.uri)] = "".join(f"{c.uri}={getattr(c, 'text', '')};" for c in read.contents)
        for template in (await client.list_resource_templates()).resource_templates:
            uri = template.uri_template.replace("{id}", "7")
            read = await client.read_resource(uri)
            out["templates"][uri] = "".join(f"{c.uri}={getattr(c, 'text', '')};" for c in read.contents)
        if args.mode == "legacy" and resources:
            wanted = {str(r.uri) for r in resources}
            for uri in sorted(wanted):
                await client.subscribe_resource(uri)
            # Not every server sends updates: wait until updates stop coming for a second.
            while True:
                with anyio.move_on_after(1) as idle:
                    await got_update.wait()
                if idle.cancelled_caught:
                    break
                got_update = anyio.Event()
            out["updated"] = sorted(updated)
    print(json.dumps(out), flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["legacy", "2026-07-28"], required=True)
    parser.add_argument("--url", required=True)
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
