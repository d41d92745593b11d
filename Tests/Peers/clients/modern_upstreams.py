#!/usr/bin/env python3
"""scenario.py with one more scenario, `modern_upstreams`: a legacy (2025) SDK client through the
gateway against 2026-07-28 upstream servers (feature_server.py --era modern).

It runs the federation checks that need no server-to-client request: tools/list merged, echo,
progress relayed, cancellation reaching the server (`status` shows slow_cancelled), a list change
from add_tool arriving at the client (which the gateway gets from its upstream
subscriptions/listen), resources and a prompt. Elicitation and sampling are left out: against a
modern upstream they come back as `input_required`, which the gateway bridges separately.

Arguments and output are scenario.py's; for example:
  modern_upstreams.py --url http://127.0.0.1:8080/mcp --scenario modern_upstreams \
      --prefix h26=http --prefix s26=stdio
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scenario  # noqa: E402


async def modern_upstreams(self: scenario.Scenario) -> None:
    servers = self.servers()
    scenario.check(bool(servers), "modern_upstreams needs at least one --prefix SERVER=stdio|http")
    await self.check_tool_list(servers)
    for server in servers:
        got = await scenario.call(self.client, self.tool(server, "echo"), {"text": f"hi {server}"})
        scenario.check(got == f"hi {server}", f"{server} echo returned {got!r}")
    self.observed["echo"] = "ok"
    self.observed["progress"] = {s: await self.check_progress(s) for s in servers}
    self.observed["cancel"] = {s: await self.check_cancel(s) for s in servers}
    self.observed["list_changed"] = {s: await self.check_list_changed(s) for s in servers}
    self.observed["resources"] = {s: await self.check_resources(s) for s in servers}
    self.observed["prompt"] = await self.check_prompt(servers[0])


scenario.Scenario.modern_upstreams = modern_upstreams  # type: ignore[attr-defined]
scenario.SCENARIOS = (*scenario.SCENARIOS, "modern_upstreams")

if __name__ == "__main__":
    sys.exit(scenario.main())
