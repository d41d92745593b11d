#!/usr/bin/env python3
"""Drive one interop scenario through the Switchboard gateway with the official MCP Python SDK client.

Exit 0 on success, 1 on a failed check (message on stderr), 2 on bad arguments. The last stdout
line is always one JSON object: {"ok": bool, "scenario": ..., "protocolVersion": ..., "observed": {...}}.

Examples:
  scenario.py --url http://127.0.0.1:8080/mcp --protocol-version 2025-06-18 --scenario federation \
      --prefix alpha=stdio --prefix beta=http --prefix gamma=sse
  scenario.py --url http://127.0.0.1:8080/mcp --scenario pagination --expect-tools 1507
  scenario.py --url http://127.0.0.1:8080/mcp --scenario failover --prefix alpha=stdio \
      --prefix beta=http --crash alpha
  scenario.py --url http://127.0.0.1:8080/mcp --scenario time --prefix clock=time
  scenario.py --direct --url http://127.0.0.1:9001/mcp --scenario federation     # one feature_server
  scenario.py --direct --url http://127.0.0.1:9002/sse --scenario federation     # HTTP+SSE server
  scenario.py --direct --stdio "python3 feature_server.py --name alpha" --scenario federation

Feature servers must be started with `--name` equal to their gateway prefix: resource URIs
(feature://NAME/readme) are not rewritten by the gateway. KINDs: stdio, http, sse (feature_server
over that upstream transport) and time (mcp-server-time).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import anyio
import mcp.client.session as client_session_module
import mcp_types as types
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.sse import sse_client
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, is_version_at_least

FEATURE_KINDS = ("stdio", "http", "sse")
BASE_TOOLS = ("echo", "slow", "status", "ask_user", "summarize", "add_tool", "crash")
SAMPLED_TEXT = "SWITCHBOARD-SAMPLED-TEXT"
CALL_TIMEOUT = 20.0


class ScenarioError(Exception):
    """A failed check; the message says what was expected and what was seen."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioError(message)


def log(message: str) -> None:
    print(f"[scenario] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- protocol version


def force_offered_version(version: str) -> None:
    """Make Client(mode="legacy") offer `version` in initialize.

    mcp 2.3.0 has no option for this: ClientSession.initialize() always offers the module-level
    constant LATEST_HANDSHAKE_VERSION imported into mcp.client.session, so rebind that name.
    """
    client_session_module.LATEST_HANDSHAKE_VERSION = version  # type: ignore[misc]


# --------------------------------------------------------------------------- client plumbing


class Observer:
    """Client-side callbacks: elicitation answers 42, sampling returns SAMPLED_TEXT, notifications recorded."""

    def __init__(self) -> None:
        self.elicitations: list[str] = []
        self.samplings = 0
        self.list_changed = 0
        self.list_changed_event = anyio.Event()
        self.notifications: list[str] = []

    async def elicit(self, ctx: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.elicitations.append(getattr(params, "message", ""))
        return types.ElicitResult(action="accept", content={"answer": "42"})

    async def sample(self, ctx: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        self.samplings += 1
        return types.CreateMessageResult(
            role="assistant", content=types.TextContent(type="text", text=SAMPLED_TEXT), model="switchboard-test"
        )

    async def message(self, message: Any) -> None:
        if isinstance(message, Exception):
            log(f"transport exception: {message!r}")
            return
        method = getattr(message, "method", None) or getattr(getattr(message, "root", None), "method", None)
        self.notifications.append(str(method))
        if method == "notifications/tools/list_changed":
            self.list_changed += 1
            self.list_changed_event.set()

    def reset_list_changed(self) -> None:
        self.list_changed_event = anyio.Event()


def make_transport(args: argparse.Namespace) -> Any:
    if args.stdio:
        argv = shlex.split(args.stdio)
        return StdioServerParameters(command=argv[0], args=argv[1:])
    if args.url.rstrip("/").endswith("/sse"):
        return sse_client(args.url)
    return args.url


def make_client(args: argparse.Namespace, observer: Observer) -> Client:
    return Client(
        make_transport(args),
        mode="legacy",
        cache=None,
        read_timeout_seconds=CALL_TIMEOUT,
        elicitation_callback=observer.elicit,
        sampling_callback=observer.sample,
        message_handler=observer.message,
    )


def result_text(result: types.CallToolResult) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def call(client: Client, name: str, arguments: dict[str, Any] | None = None, **kw: Any) -> str:
    """Call a tool that must succeed; return its text."""
    try:
        result = await client.call_tool(name, arguments or {}, **kw)
    except MCPError as e:
        raise ScenarioError(f"{name}: JSON-RPC error {e.code}: {e}") from e
    check(not result.is_error, f"{name}: isError result: {result_text(result)!r}")
    return result_text(result)


async def try_call(client: Client, name: str, arguments: dict[str, Any] | None = None) -> tuple[bool, str]:
    """Call a tool that may fail; (ok, text or error message)."""
    try:
        with anyio.fail_after(CALL_TIMEOUT):
            result = await client.call_tool(name, arguments or {})
    except MCPError as e:
        return False, f"JSON-RPC error {e.code}: {e}"
    except TimeoutError:
        return False, "timed out"
    return (not result.is_error), result_text(result)


async def list_all_tools(client: Client, max_pages: int = 1000) -> tuple[list[str], int]:
    names: list[str] = []
    cursor: str | None = None
    for page in range(1, max_pages + 1):
        result = await client.list_tools(cursor=cursor, cache_mode="bypass")
        names.extend(tool.name for tool in result.tools)
        cursor = result.next_cursor
        if cursor is None:
            return names, page
    raise ScenarioError(f"tools/list still had a nextCursor after {max_pages} pages")


async def poll(what: str, probe: Callable[[], Awaitable[bool]], limit: float = 5.0, step: float = 0.1) -> float:
    """Run `probe` every `step` s until it returns True; return the elapsed seconds or fail after `limit`."""
    start = time.monotonic()
    while True:
        if await probe():
            return time.monotonic() - start
        if time.monotonic() - start >= limit:
            raise ScenarioError(f"{what}: not reached within {limit} s")
        await anyio.sleep(step)


# --------------------------------------------------------------------------- scenarios


class Scenario:
    def __init__(self, args: argparse.Namespace, client: Client, observer: Observer) -> None:
        self.args = args
        self.client = client
        self.observer = observer
        self.observed: dict[str, Any] = {}

    def tool(self, server: str, name: str) -> str:
        return name if self.args.direct else f"{server}__{name}"

    def servers(self, kinds: tuple[str, ...] = FEATURE_KINDS) -> list[str]:
        if self.args.direct:
            info = self.client.server_info
            return [self.args.prefix[0][0] if self.args.prefix else (info.name if info else "feature")]
        return [server for server, kind in self.args.prefix if kind in kinds]

    async def status(self, server: str) -> dict[str, Any]:
        return json.loads(await call(self.client, self.tool(server, "status")))

    # ---- federation

    async def federation(self) -> None:
        servers = self.servers()
        check(bool(servers), "federation needs at least one --prefix SERVER=stdio|http|sse")
        await self.check_tool_list(servers)
        for server in servers:
            got = await call(self.client, self.tool(server, "echo"), {"text": f"hi {server}"})
            check(got == f"hi {server}", f"{server} echo returned {got!r}")
        self.observed["echo"] = "ok"
        self.observed["progress"] = {s: await self.check_progress(s) for s in servers}
        self.observed["elicitation"] = {s: await self.check_elicitation(s) for s in servers}
        self.observed["sampling"] = {s: await self.check_sampling(s) for s in servers}
        self.observed["cancel"] = {s: await self.check_cancel(s) for s in servers}
        self.observed["list_changed"] = {s: await self.check_list_changed(s) for s in servers}
        self.observed["resources"] = {s: await self.check_resources(s) for s in servers}
        self.observed["prompt"] = await self.check_prompt(servers[0])

    async def check_tool_list(self, servers: list[str]) -> None:
        names, pages = await list_all_tools(self.client)
        duplicates = sorted({n for n in names if names.count(n) > 1})
        check(not duplicates, f"duplicate tools in tools/list: {duplicates[:10]}")
        for server in servers:
            missing = [t for t in BASE_TOOLS if self.tool(server, t) not in names]
            check(not missing, f"tools of {server} missing from tools/list: {missing}")
        for server in self.servers(("time",)) if not self.args.direct else []:
            check(self.tool(server, "get_current_time") in names, f"{server}__get_current_time not in tools/list")
        if self.args.expect_tools is not None:
            check(len(names) == self.args.expect_tools, f"expected {self.args.expect_tools} tools, got {len(names)}")
        self.observed["tools"] = len(names)
        self.observed["tool_pages"] = pages

    async def check_progress(self, server: str) -> int:
        seen: list[float] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append(progress)

        got = await call(self.client, self.tool(server, "slow"), {"seconds": 0.5, "steps": 5}, progress_callback=on_progress)
        check(got == "done", f"{server} slow returned {got!r}")
        check(len(seen) > 0, f"{server} slow: no progress notification arrived")
        check(all(a < b for a, b in zip(seen, seen[1:])), f"{server} slow: progress not increasing: {seen}")
        return len(seen)

    async def check_elicitation(self, server: str) -> str:
        before = len(self.observer.elicitations)
        ok, text = await try_call(self.client, self.tool(server, "ask_user"), {"question": f"question for {server}?"})
        if not is_version_at_least(self.client.protocol_version, "2025-06-18"):
            # Elicitation does not exist before 2025-06-18: record what the gateway did, assert nothing.
            return f"not asserted before 2025-06-18: ok={ok} text={text[:120]!r}"
        check(ok, f"{server} ask_user failed: {text}")
        check(len(self.observer.elicitations) > before, f"{server} ask_user: the elicitation callback never ran")
        check("42" in text, f"{server} ask_user: the answer did not reach the server: {text!r}")
        return text

    async def check_sampling(self, server: str) -> str:
        got = await call(self.client, self.tool(server, "summarize"), {"text": "a long text"})
        check(SAMPLED_TEXT in got, f"{server} summarize returned {got!r}, expected the sampled text")
        return "ok"

    async def check_cancel(self, server: str) -> dict[str, Any]:
        before = (await self.status(server))["slow_cancelled"]
        first_progress = anyio.Event()

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            first_progress.set()

        async def run_slow() -> None:
            await self.client.call_tool(
                self.tool(server, "slow"), {"seconds": 30, "steps": 60}, progress_callback=on_progress
            )

        async with anyio.create_task_group() as tg:
            tg.start_soon(run_slow)
            with anyio.move_on_after(10):
                await first_progress.wait()  # the call is running upstream
            check(first_progress.is_set(), f"{server}: no progress from slow(30) within 10 s; cannot test its cancel")
            # Cancelling the caller's scope makes the SDK send notifications/cancelled for the request.
            tg.cancel_scope.cancel()

        async def cancelled_upstream() -> bool:
            return (await self.status(server))["slow_cancelled"] > before

        elapsed = await poll(f"{server}: slow_cancelled to increase after the cancel", cancelled_upstream)
        return {"stopped_after_s": round(elapsed, 3)}

    async def check_list_changed(self, server: str) -> dict[str, Any]:
        new_name = f"added_{uuid.uuid4().hex[:8]}"
        self.observer.reset_list_changed()
        got = await call(self.client, self.tool(server, "add_tool"), {"name": new_name})
        check(new_name in got, f"{server} add_tool returned {got!r}")
        start = time.monotonic()
        try:
            with anyio.fail_after(5):
                await self.observer.list_changed_event.wait()
        except TimeoutError:
            raise ScenarioError(f"{server}: no notifications/tools/list_changed within 5 s of add_tool") from None
        waited = time.monotonic() - start
        names, _ = await list_all_tools(self.client)
        check(self.tool(server, new_name) in names, f"{server}: {self.tool(server, new_name)} not in tools/list")
        hello = await call(self.client, self.tool(server, new_name))
        check(hello == f"hello from {new_name}", f"{server}: new tool returned {hello!r}")
        return {"tool": self.tool(server, new_name), "notified_after_s": round(waited, 3)}

    async def check_resources(self, server: str) -> str:
        readme = await self.client.read_resource(f"feature://{server}/readme")
        text = "".join(getattr(c, "text", "") for c in readme.contents)
        check(server in text, f"readme of {server}: unexpected contents {text!r}")
        item = await self.client.read_resource(f"feature://{server}/items/7")
        text = "".join(getattr(c, "text", "") for c in item.contents)
        check(text == f"item 7 of {server}", f"template resource of {server}: unexpected contents {text!r}")
        return "ok"

    async def check_prompt(self, server: str) -> str:
        prompt = await self.client.get_prompt(self.tool(server, "greet"), {"name": "Ada"})
        text = "".join(getattr(m.content, "text", "") for m in prompt.messages)
        check("Hello, Ada" in text, f"greet prompt of {server}: {text!r}")
        return text

    # ---- pagination

    async def pagination(self) -> None:
        names, pages = await list_all_tools(self.client)
        duplicates = sorted({n for n in names if names.count(n) > 1})
        check(not duplicates, f"duplicate tools across pages: {duplicates[:10]}")
        if self.args.expect_tools is not None:
            check(len(names) == self.args.expect_tools, f"expected {self.args.expect_tools} tools, got {len(names)}")
        self.observed.update(tools=len(names), pages=pages)
        print(f"pages: {pages}", flush=True)

    # ---- failover

    async def failover(self) -> None:
        victim = self.args.crash
        check(victim is not None, "failover needs --crash SERVER")
        others = [s for s in self.servers() if s != victim]
        pid_before = (await self.status(victim))["pid"]
        crash_ok, crash_text = await try_call(self.client, self.tool(victim, "crash"))
        self.observed["crash_call"] = {"ok": crash_ok, "text": crash_text[:200]}
        crashed_at = time.monotonic()
        for server in others:
            got = await call(self.client, self.tool(server, "echo"), {"text": "still here"})
            check(got == "still here", f"{server} echo after {victim} crashed returned {got!r}")
        ok, text = await try_call(self.client, self.tool(victim, "echo"), {"text": "back?"})
        self.observed["echo_right_after"] = {"ok": ok, "text": text[:200]}
        if not ok:
            check(victim in text, f"error for crashed {victim} does not name it: {text!r}")

        async def echo_works() -> bool:
            return (await try_call(self.client, self.tool(victim, "echo"), {"text": "back?"}))[0]

        await poll(f"{victim} to come back", echo_works, limit=5.0, step=0.1)
        self.observed["back_after_s"] = round(time.monotonic() - crashed_at, 3)
        pid_after = (await self.status(victim))["pid"]
        check(pid_after != pid_before, f"{victim} pid unchanged after crash ({pid_before}): did it really restart?")
        self.observed["pids"] = [pid_before, pid_after]

    # ---- time

    async def time(self) -> None:
        servers = [s for s, kind in self.args.prefix if kind == "time"] or ["time"]
        result = json.loads(await call(self.client, self.tool(servers[0], "get_current_time"), {"timezone": "UTC"}))
        check(result.get("timezone") == "UTC", f"get_current_time timezone: {result!r}")
        when = datetime.fromisoformat(result["datetime"])
        skew = abs((when - datetime.now(timezone.utc)).total_seconds())
        check(skew < 120, f"get_current_time is {skew:.0f} s away from this machine's clock: {result!r}")
        self.observed["datetime"] = result["datetime"]


SCENARIOS = ("federation", "pagination", "failover", "time")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    observer = Observer()
    async with make_client(args, observer) as client:
        negotiated = client.protocol_version
        check(
            negotiated == args.protocol_version,
            f"offered {args.protocol_version}, the server chose {negotiated}",
        )
        scenario = Scenario(args, client, observer)
        scenario.observed["serverInfo"] = client.server_info.name if client.server_info else None
        await getattr(scenario, args.scenario)()
        scenario.observed["notifications"] = sorted(set(observer.notifications))
        return scenario.observed


def parse_prefix(value: str) -> tuple[str, str]:
    server, sep, kind = value.partition("=")
    if not sep or not server or kind not in (*FEATURE_KINDS, "time"):
        raise argparse.ArgumentTypeError(f"expected SERVER=stdio|http|sse|time, got {value!r}")
    return server, kind


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="http://127.0.0.1:PORT/mcp (Streamable HTTP) or .../sse (HTTP+SSE)")
    target.add_argument("--stdio", help="command line of a stdio server to launch (a server with --direct, or `switchboard stdio`)")
    p.add_argument("--protocol-version", choices=HANDSHAKE_PROTOCOL_VERSIONS, default="2025-11-25")
    p.add_argument("--scenario", choices=SCENARIOS, required=True)
    p.add_argument("--prefix", type=parse_prefix, action="append", default=[], metavar="SERVER=KIND")
    p.add_argument("--direct", action="store_true", help="talk to one server directly: tool names have no prefix")
    p.add_argument("--expect-tools", type=int, help="federation/pagination: exact total tool count")
    p.add_argument("--crash", metavar="SERVER", help="failover: the server to crash (the stdio one)")
    p.add_argument("--timeout", type=float, default=120.0, help="overall limit in seconds")
    args = p.parse_args(argv)
    return args


def main() -> int:
    args = parse_args()
    force_offered_version(args.protocol_version)
    summary: dict[str, Any] = {"ok": False, "scenario": args.scenario, "protocolVersion": args.protocol_version}
    started = time.monotonic()
    try:
        summary["observed"] = anyio.run(_run_bounded, args)
        summary["ok"] = True
    except ScenarioError as e:
        log(f"FAILED: {e}")
        summary["error"] = str(e)
    except BaseException as e:  # noqa: BLE001 - report every failure as one JSON line
        if isinstance(e, KeyboardInterrupt):
            raise
        detail = _describe(e)
        log(f"FAILED with an exception: {detail}")
        summary["error"] = detail
    summary["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(summary), flush=True)
    return 0 if summary["ok"] else 1


async def _run_bounded(args: argparse.Namespace) -> dict[str, Any]:
    try:
        with anyio.fail_after(args.timeout):
            return await run(args)
    except TimeoutError:
        raise ScenarioError(f"scenario did not finish within {args.timeout} s") from None
    except BaseExceptionGroup as group:
        # The SDK's task groups wrap our check failures; surface a lone ScenarioError as such.
        leaves = _leaves(group)
        if len(leaves) == 1 and isinstance(leaves[0], ScenarioError):
            raise leaves[0] from None
        raise


def _leaves(e: BaseException) -> list[BaseException]:
    if isinstance(e, BaseExceptionGroup):
        return [leaf for inner in e.exceptions for leaf in _leaves(inner)]
    return [e]


def _describe(e: BaseException) -> str:
    """Flatten exception groups (anyio task groups) into one readable line."""
    if isinstance(e, BaseExceptionGroup):
        inner = [_describe(x) for x in e.exceptions]
        return "; ".join(inner)
    if isinstance(e, ScenarioError):
        return str(e)
    return f"{type(e).__name__}: {e}"


if __name__ == "__main__":
    sys.exit(main())
