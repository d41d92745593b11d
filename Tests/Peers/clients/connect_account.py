#!/usr/bin/env python3
"""A caller of a per-user OAuth server through the gateway, with the official SDK client.

  connect_account.py --url GW/mcp --mode legacy|2026-07-28 --api-key KEY --tool NAME --user USER
                     [--no-elicitation]

Calls the tool. When the gateway asks the caller to connect its account (URL elicitation:
`input_required` for 2026-07-28, the -32042 error for 2025-11-25, or a tool error carrying the
link for a client that cannot take URL elicitation, --no-elicitation), a scripted browser opens
the link, consents at the authorization server's login page as USER (Tests/Peers/servers/
oauth_server.py) and comes back to the gateway; the call is then made again. Prints one JSON
line: {"asked": how the gateway asked or null, "result": the tool's text, "ok": bool}.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import URL_ELICITATION_REQUIRED

import mcp.types as types


async def consent(link: str, user: str) -> None:
    """Open LINK as a person would: the gateway sends the browser to the authorization server,
    whose login page consents for USER and sends the browser back to the gateway."""
    async with httpx2.AsyncClient(follow_redirects=False, timeout=20) as browser:
        url = link
        for _ in range(10):
            response = await browser.get(url)
            if response.status_code in (301, 302, 303, 307):
                url = urljoin(url, response.headers["location"])
                continue
            if response.status_code == 200 and "/login" in url:
                request = parse_qs(urlparse(url).query)["request"][0]
                posted = await browser.post(urljoin(url, "/login"), data={"request": request, "user": user})
                assert posted.status_code == 302, f"login answered {posted.status_code}"
                url = urljoin(url, posted.headers["location"])
                continue
            assert response.status_code == 200 and "Connected" in response.text, f"{url}: {response.status_code} {response.text[:300]}"
            return
        raise AssertionError("too many redirects")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"asked": None, "result": None, "ok": False}

    async def elicit(ctx: Any, params: Any) -> types.ElicitResult:
        if getattr(params, "mode", None) == "url":
            report["asked"] = report["asked"] or "url-elicitation"
            await consent(params.url, args.user)
            return types.ElicitResult(action="accept")
        return types.ElicitResult(action="decline")

    http = create_mcp_http_client(headers={"Authorization": f"Bearer {args.api_key}"})
    options: dict[str, Any] = {} if args.no_elicitation else {"elicitation_callback": elicit}
    async with Client(streamable_http_client(args.url, http_client=http), mode=args.mode, cache=None, **options) as client:
        for attempt in range(2):
            try:
                result = await client.call_tool(args.tool, {})
            except MCPError as error:
                data = getattr(getattr(error, "error", None), "data", None) or {}
                if error.code != URL_ELICITATION_REQUIRED or attempt:
                    raise
                report["asked"] = "error-32042"
                await consent(data["elicitations"][0]["url"], args.user)
                continue
            text = "".join(getattr(block, "text", "") for block in result.content)
            link = re.search(r"https?://\S+/connect/\S+", text)
            if result.is_error and link and not attempt:
                report["asked"] = "tool-error"
                await consent(link.group(0), args.user)
                continue
            report.update(result=text, ok=not result.is_error)
            break
    return report


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--mode", choices=["legacy", "2026-07-28"], required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--tool", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--no-elicitation", action="store_true")
    report = anyio.run(run, p.parse_args())
    print(json.dumps(report), flush=True)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
