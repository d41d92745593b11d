#!/usr/bin/env python3
"""Compatibility matrix driver: ONE client mode of the official Python SDK (mcp 2.3.0), through the
Switchboard gateway, against every upstream server in the gateway's config, feature by feature.

  matrix.py --base http://127.0.0.1:PORT --client 2026-07-28|2025-11-25|2025-06-18|2025-03-26|2024-11-05-sse \
      [--server h25 --server clock ...] [--budget 150]

The gateway must federate the upstreams of matrix_plan.SERVERS under those prefixes (feature
servers started with `--name` = prefix). Client modes: 2026-07-28 is `Client(BASE/mcp,
mode="2026-07-28")`; the 2025 ones are `Client(BASE/mcp, mode="legacy")` offering exactly that
revision; 2024-11-05-sse is `sse_client(BASE/sse)`.

Stdout gets ONE JSON line (log lines go to stderr):
  {"client": ID, "revision": REV, "negotiated": REV|null, "error": null|"why the session ended",
   "seconds": S, "cells": {SERVER: {FEATURE: {"outcome": "pass"|"fail"|"n/a", "detail": "...", "seconds": S}}}}
Failed cells are data, not a driver failure: exit 0 once that line is printed, 2 on bad arguments.
Every wait is bounded: each cell has its own limit and the whole mode has --budget seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from contextlib import AsyncExitStack
from datetime import datetime, timezone
from typing import Any

import anyio
import anyio.abc
from mcp import Client, MCPError
from mcp.client.sse import sse_client
from mcp.client.subscriptions import Subscription, ToolsListChanged

from matrix_plan import CLIENTS, CLIENTS_BY_ID, FEATURE_IDS, SERVERS, SERVERS_BY_NAME, ClientMode, Upstream, not_applicable
from scenario import BASE_TOOLS, SAMPLED_TEXT, Observer, ScenarioError, check, force_offered_version, list_all_tools, poll, result_text

TIME_TOOLS = ("get_current_time", "convert_time")
CALL_TIMEOUT = 10.0
CELL_LIMITS = {"list": 10, "call": 10, "progress": 10, "elicitation": 10, "sampling": 10, "cancel": 16, "list_change": 12, "error": 10}
OBSERVE_LIMIT = 4.0
"""An n/a elicitation cell still calls ask_user once, to record what the gateway did (never judged)."""


def log(message: str) -> None:
    print(f"[matrix] {message}", file=sys.stderr, flush=True)


def describe(e: BaseException) -> str:
    """One line for a failure: exception groups flattened, JSON-RPC codes kept."""
    if isinstance(e, BaseExceptionGroup):
        return "; ".join(dict.fromkeys(describe(x) for x in e.exceptions))
    if isinstance(e, ScenarioError):
        text = str(e)
    elif isinstance(e, MCPError):
        text = f"JSON-RPC error {e.code}: {e}"
    elif isinstance(e, TimeoutError):
        text = "timed out"
    else:
        text = f"{type(e).__name__}: {e}"
    # httpx2 appends a "For more information check: <MDN link>" sentence to status errors.
    text = " ".join(text.split()).split(" For more information check:")[0]
    return text[:300]


def make_client(mode: ClientMode, base: str, observer: Observer) -> Client:
    if mode.transport == "modern":
        transport: Any = f"{base}/mcp"
        client_mode = mode.revision
    else:
        force_offered_version(mode.revision)
        transport = sse_client(f"{base}/sse") if mode.transport == "sse" else f"{base}/mcp"
        client_mode = "legacy"
    return Client(
        transport,
        mode=client_mode,
        cache=None,
        read_timeout_seconds=CALL_TIMEOUT,
        elicitation_callback=observer.elicit,
        sampling_callback=observer.sample,
        message_handler=observer.message,
    )


class MatrixRun:
    """The cells of one client mode; each `check_*` returns a short detail or raises."""

    def __init__(self, mode: ClientMode, client: Client, observer: Observer, deadline: float, budget: float) -> None:
        self.mode = mode
        self.client = client
        self.observer = observer
        self.deadline = deadline
        self.budget = budget
        self.stack: AsyncExitStack | None = None
        self.task_group: anyio.abc.TaskGroup | None = None
        self.subscription: Subscription | None = None
        self.listen_error: str | None = None
        self.listen_events = 0

    @property
    def modern(self) -> bool:
        return self.mode.transport == "modern"

    @staticmethod
    def tool(server: Upstream, name: str) -> str:
        return f"{server.name}__{name}"

    async def cell(self, server: Upstream, feature: str) -> dict[str, Any]:
        started = time.monotonic()
        reason = not_applicable(self.mode.id, server.name, feature)
        if reason is not None:
            cell: dict[str, Any] = {"outcome": "n/a", "detail": reason}
            if feature == "elicitation" and server.kind == "feature":
                cell["observed"] = await self.observe_elicitation(server)
            return cell
        remaining = self.deadline - started
        if remaining <= 0:
            return {"outcome": "fail", "detail": f"not run: this client mode's budget of {self.budget:.0f} s ran out"}
        limit = min(CELL_LIMITS[feature], remaining)
        try:
            with anyio.fail_after(limit):
                detail = await getattr(self, f"check_{feature}")(server)
            cell = {"outcome": "pass", "detail": detail}
        except TimeoutError:
            cell = {"outcome": "fail", "detail": f"not finished within {limit:.0f} s"}
        except Exception as e:  # noqa: BLE001 - every failure becomes the cell's one-line reason
            cell = {"outcome": "fail", "detail": describe(e)}
        cell["seconds"] = round(time.monotonic() - started, 3)
        log(f"{self.mode.id} x {server.name} {feature}: {cell['outcome']} {cell['detail']}")
        return cell

    # ---- cells

    async def check_list(self, server: Upstream) -> str:
        names, pages = await list_all_tools(self.client)
        expected = BASE_TOOLS if server.kind == "feature" else TIME_TOOLS
        missing = [t for t in expected if self.tool(server, t) not in names]
        check(not missing, f"not in tools/list ({len(names)} tools, {pages} pages): {', '.join(missing)}")
        return f"{len(expected)} tools among {len(names)} listed"

    async def check_call(self, server: Upstream) -> str:
        if server.kind == "time":
            text = await self.call(self.tool(server, "get_current_time"), {"timezone": "UTC"})
            result = json.loads(text)
            check(result.get("timezone") == "UTC", f"get_current_time answered {text[:120]!r}")
            skew = abs((datetime.fromisoformat(result["datetime"]) - datetime.now(timezone.utc)).total_seconds())
            check(skew < 120, f"get_current_time is {skew:.0f} s off this machine's clock")
            return "get_current_time(UTC)"
        text = await self.call(self.tool(server, "echo"), {"text": f"hi {server.name}"})
        check(text == f"hi {server.name}", f"echo returned {text[:120]!r}")
        return "echo"

    async def check_progress(self, server: Upstream) -> str:
        seen: list[float] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append(progress)

        text = await self.call(self.tool(server, "slow"), {"seconds": 1.0, "steps": 4}, progress_callback=on_progress)
        check(text == "done", f"slow returned {text[:120]!r}")
        check(len(seen) > 0, "slow finished but no notifications/progress reached the client")
        check(all(a < b for a, b in zip(seen, seen[1:])), f"progress not increasing: {seen}")
        return f"{len(seen)} of 4 progress notifications"

    async def check_elicitation(self, server: Upstream) -> str:
        before = len(self.observer.elicitations)
        text = await self.call(self.tool(server, "ask_user"), {"question": f"question for {server.name}?"})
        check(len(self.observer.elicitations) > before, f"the client's elicitation callback never ran; tool said {text[:120]!r}")
        check("answer: 42" in text, f"the answer did not reach the server: {text[:120]!r}")
        return text

    async def check_sampling(self, server: Upstream) -> str:
        before = self.observer.samplings
        text = await self.call(self.tool(server, "summarize"), {"text": "a long text"})
        check(self.observer.samplings > before, f"the client's sampling callback never ran; tool said {text[:120]!r}")
        check(SAMPLED_TEXT in text, f"summarize returned {text[:120]!r}, not the sampled text")
        return "sampled text returned"

    async def check_cancel(self, server: Upstream) -> str:
        before = await self.status(server)
        outcome: dict[str, str] = {}

        async def run_slow() -> None:
            try:
                result = await self.client.call_tool(self.tool(server, "slow"), {"seconds": 20, "steps": 40})
                outcome["finished"] = result_text(result)[:120]
            except MCPError as e:
                outcome["finished"] = describe(e)

        async def started() -> bool:
            if "finished" in outcome:
                raise ScenarioError(f"slow(20 s) ended before it could be cancelled: {outcome['finished']}")
            return (await self.status(server))["slow_started"] > before["slow_started"]

        async with anyio.create_task_group() as tg:
            tg.start_soon(run_slow)
            await poll("slow(20 s) to start upstream", started, limit=5.0, step=0.1)
            # Abandoning the call is the SDK's cancel: notifications/cancelled on legacy
            # revisions, closing the request's stream on 2026-07-28.
            tg.cancel_scope.cancel()

        async def cancelled() -> bool:
            return (await self.status(server))["slow_cancelled"] > before["slow_cancelled"]

        try:
            waited = await poll("cancel", cancelled, limit=6.0, step=0.1)
        except ScenarioError:
            raise ScenarioError("the client cancelled slow(20 s) but the server's slow_cancelled did not move within 6 s") from None
        return f"stopped upstream {waited:.2f} s after the cancel"

    async def check_list_change(self, server: Upstream) -> str:
        if self.modern:
            await self.ensure_listening()
        seen = self.list_changes()
        new_name = f"added_{uuid.uuid4().hex[:8]}"
        got = await self.call(self.tool(server, "add_tool"), {"name": new_name})
        check(new_name in got, f"add_tool returned {got[:120]!r}")
        channel = "a subscriptions/listen event" if self.modern else "notifications/tools/list_changed"

        async def notified() -> bool:
            if self.listen_error is not None:
                raise ScenarioError(self.listen_error)
            return self.list_changes() > seen

        try:
            waited = await poll(channel, notified, limit=5.0, step=0.05)
        except ScenarioError as e:
            raise ScenarioError(f"{e}" if self.listen_error else f"no {channel} within 5 s of add_tool") from None
        new_tool = self.tool(server, new_name)

        async def listed() -> bool:
            return new_tool in (await list_all_tools(self.client))[0]

        try:
            await poll("listing", listed, limit=3.0, step=0.2)
        except ScenarioError:
            raise ScenarioError(f"told of the change, but {new_tool} is not in tools/list within 3 s") from None
        hello = await self.call(new_tool)
        check(hello == f"hello from {new_name}", f"{new_tool} returned {hello[:120]!r}")
        return f"{channel} {waited:.2f} s after add_tool; new tool listed and callable"

    async def check_error(self, server: Upstream) -> str:
        unknown = self.tool(server, "nope")
        try:
            result = await self.client.call_tool(unknown, {})
        except MCPError as e:
            refused = f"JSON-RPC error {e.code}"
        else:
            check(result.is_error, f"{unknown} succeeded: {result_text(result)[:120]!r}")
            refused = "isError result"
        try:
            await self.check_call(server)
        except Exception as e:  # noqa: BLE001
            raise ScenarioError(f"{unknown} was refused ({refused}), but the next call failed: {describe(e)}") from None
        return f"{refused}; the session still works"

    # ---- helpers

    async def call(self, name: str, arguments: dict[str, Any] | None = None, **kw: Any) -> str:
        """A tool call that must succeed; its text."""
        result = await self.client.call_tool(name, arguments or {}, **kw)
        check(not result.is_error, f"{name} gave an isError result: {result_text(result)[:160]!r}")
        return result_text(result)

    async def status(self, server: Upstream) -> dict[str, Any]:
        return json.loads(await self.call(self.tool(server, "status")))

    def list_changes(self) -> int:
        # 2026-07-28 has no session-wide notification channel: list changes come only on a
        # subscriptions/listen stream, so only the subscription's own events count there.
        return self.listen_events if self.modern else self.observer.list_changed

    async def ensure_listening(self) -> None:
        """Open one subscriptions/listen(toolsListChanged) for the rest of the run."""
        if self.subscription is not None or self.listen_error is not None:
            if self.listen_error is not None:
                raise ScenarioError(self.listen_error)
            return
        assert self.stack is not None and self.task_group is not None
        try:
            sub = await self.stack.enter_async_context(self.client.listen(tools_list_changed=True))
        except Exception as e:  # noqa: BLE001
            self.listen_error = f"subscriptions/listen failed: {describe(e)}"
            raise ScenarioError(self.listen_error) from None
        if not sub.honored.tools_list_changed:
            self.listen_error = f"subscriptions/listen acknowledged without toolsListChanged: {sub.honored!r}"
            raise ScenarioError(self.listen_error)
        self.subscription = sub
        self.task_group.start_soon(self.consume, sub)

    async def consume(self, sub: Subscription) -> None:
        try:
            async for event in sub:
                if isinstance(event, ToolsListChanged):
                    self.listen_events += 1
        except Exception as e:  # noqa: BLE001 - SubscriptionLost and the like end every later check
            self.listen_error = f"the subscriptions/listen stream ended: {describe(e)}"

    async def observe_elicitation(self, server: Upstream) -> str:
        """What the gateway does with ask_user for a client without elicitation; recorded, not judged."""
        try:
            with anyio.fail_after(OBSERVE_LIMIT):
                result = await self.client.call_tool(self.tool(server, "ask_user"), {"question": "n/a?"})
            return f"isError={result.is_error} {result_text(result)[:120]!r}"
        except Exception as e:  # noqa: BLE001
            return describe(e)


async def run_mode(mode: ClientMode, base: str, servers: list[Upstream], budget: float) -> dict[str, Any]:
    report: dict[str, Any] = {
        "client": mode.id,
        "revision": mode.revision,
        "negotiated": None,
        "error": None,
        "cells": {s.name: {} for s in servers},
    }
    started = time.monotonic()
    observer = Observer()
    try:
        # The cells share the budget; the margin covers connecting and closing.
        with anyio.fail_after(budget + 20):
            async with make_client(mode, base, observer) as client:
                report["negotiated"] = client.protocol_version
                check(
                    client.protocol_version == mode.revision,
                    f"offered {mode.revision}, the gateway chose {client.protocol_version}",
                )
                run = MatrixRun(mode, client, observer, started + budget, budget)
                async with anyio.create_task_group() as tg:
                    async with AsyncExitStack() as stack:
                        run.stack, run.task_group = stack, tg
                        for server in servers:
                            for feature in FEATURE_IDS:
                                report["cells"][server.name][feature] = await run.cell(server, feature)
                    tg.cancel_scope.cancel()
    except Exception as e:  # noqa: BLE001 - the session failing is a result too
        report["error"] = describe(e)
        log(f"{mode.id}: session failed: {report['error']}")
    for server in servers:
        cells = report["cells"][server.name]
        for feature in FEATURE_IDS:
            if feature in cells:
                continue
            reason = not_applicable(mode.id, server.name, feature)
            if reason is not None:
                cells[feature] = {"outcome": "n/a", "detail": reason}
            else:
                cells[feature] = {"outcome": "fail", "detail": f"not run: {report['error'] or 'no result'}"}
    report["seconds"] = round(time.monotonic() - started, 3)
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True, help="the gateway, http://127.0.0.1:PORT (the driver adds /mcp or /sse)")
    p.add_argument("--client", required=True, choices=[c.id for c in CLIENTS])
    p.add_argument("--server", action="append", default=[], choices=[s.name for s in SERVERS], help="default: all")
    p.add_argument("--budget", type=float, default=150.0, help="seconds for all the cells of this client mode")
    return p.parse_args(argv)


def main() -> int:
    args = parse_args()
    servers = [SERVERS_BY_NAME[n] for n in args.server] or list(SERVERS)
    report = anyio.run(run_mode, CLIENTS_BY_ID[args.client], args.base.rstrip("/"), servers, args.budget)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
