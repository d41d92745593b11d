"""The scenarios of docs/benchmarks.md as tables of rows. Each scenario is a function from the
plan to a list of items; an item runs itself and adds its row. Rows are written in the order
listed, which is the order scripts/bench-report shows them in."""
import json
import statistics
import time
from dataclasses import dataclass

from . import interleave, loadgen, mcp, processes, procfs, rows, targets, waits
from .run import Run, commas, die
from .targets import StackSpec

ECHO_ARGUMENTS = '{"text":"hello"}'
# Scenario 12: ~1 KB of ordinary tool output (prose, a commit hash, a UUID, paths, numbers,
# code; nothing a guard flags), echoed back, so the result the guards scan is 1 KB.
KILOBYTE_TEXT = ("Merged pull request 4821 from acme/fix-retry-loop: retries now back off exponentially.\\n"
                 "commit 9f2c1e7a4b3d5f60718293a4b5c6d7e8f9012345 at 2026-11-30T14:22:05Z by the release bot\\n"
                 "Deployment 3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d finished in 182.4 seconds (build 20261130.7).\\n"
                 "See https://docs.acme.dev/guides/retries?version=2 and /var/lib/acme/cache/index.db for details.\\n"
                 "def backoff(attempt: int) -> float:\\n    return min(30.0, 0.25 * 2 ** attempt)\\n"
                 "Open issues: 17 bugs, 4 features, 2 questions; median age 6 days, oldest 211 days.\\n"
                 "The table orders has 1,204,331 rows; the index on (customer_id, created_at) is used.\\n")
KILOBYTE_ARGUMENTS = '{"text":"' + (KILOBYTE_TEXT * 2)[:1024].rsplit("\\n", 1)[0] + '"}'
GATEWAY = "switchboard"
OWN_TARGETS = ("direct", "nginx", GATEWAY)
LEGACY, MODERN = "2025-11-25", "2026-07-28"


@dataclass(frozen=True)
class Plan:
    """What shapes the tables: the smoke run keeps them short."""
    smoke: bool = False
    nginx: bool = True
    sse_count: int = 1000
    pairs: int = 5                     # runs of each variant in scenarios 9 and 10

    def targets(self):
        return [t for t in OWN_TARGETS if self.nginx or t != "nginx"]

    def rates(self, *fixed):
        return (SATURATION,) if self.smoke else tuple(Rate(r) for r in fixed) + (SATURATION,)


@dataclass(frozen=True)
class Rate:
    """A load: a fixed rate of calls per second (open loop) or, None, saturation (closed loop);
    its part of the scenario name, its note and its load generator arguments."""
    per_second: int | None = None

    @property
    def label(self):
        return "saturation" if self.per_second is None else f"{commas(self.per_second)} req/s"

    @property
    def note(self):
        return "8 connections, %s loop" % ("closed" if self.per_second is None else "open")

    @property
    def args(self):
        return ("--connections", "8") + (() if self.per_second is None else ("--rate", str(self.per_second)))


SATURATION = Rate()


@dataclass
class Context:
    """Where items run and write their rows."""
    run: Run
    results: rows.Results

    def add(self, row):
        self.results.add(row)
        self.run.log(rows.line(row))


class Item:
    """A step of a scenario, which adds its row when executed."""

    def compared(self):
        """What `scripts/bench --against` compares of this item: a Measured row through the
        gateway, or None."""
        return None


@dataclass(frozen=True)
class NotApplicable(Item):
    scenario: str
    target: str
    why: str

    def execute(self, context):
        context.add(rows.not_applicable(self.scenario, self.target, self.why))


@dataclass(frozen=True)
class Measured(Item):
    """A row from one run of the load generator against a fresh stack."""
    scenario: str
    target: str
    note: str
    stack: StackSpec
    load: tuple = ()
    tool: str | None = "echo"             # the upstream's tool called; None for tools/list
    arguments: str = ECHO_ARGUMENTS
    gateway_tool: bool = False            # TOOL is the gateway's own (search_tools), not prefixed

    def sample(self, run):
        """Starts the stack, measures, stops it; the row (not added anywhere)."""
        with targets.start(run, self.stack) as stack:
            name = self.tool if self.gateway_tool else stack.tool_prefix + (self.tool or "")
            tool = ["--tool", name, "--arguments", self.arguments] if self.tool else []
            sample = loadgen.run_load(run, stack, self.scenario, self.target, tool + list(self.load))
        where = f"{self.scenario} / {self.target}"
        if sample.status != 0:
            die(f"load generator failed ({sample.status}) on {where}: "
                + "\n".join(processes.tail(run.dir / "load.err", 3)))
        if sample.load is None:
            die(f"could not read the load generator's output on {where}")
        return rows.measured(self.scenario, self.target, self.note, sample)

    def execute(self, context):
        context.add(self.sample(context.run))

    def compared(self):
        return self if self.target == GATEWAY else None


@dataclass(frozen=True)
class Interleaved(Item):
    """Scenarios 9 and 10: governance or TLS costs a few microseconds per call, less than this
    machine's run-to-run noise at a fixed rate, so the row does not compare against scenario
    1's rows taken minutes apart. The plain gateway and the variant run alternately, PAIRS
    times each; the row is the variant's run with the median CPU per call, the plain runs'
    median beside it."""
    plain: Measured
    variant: Measured
    note: str
    what: str                          # what the variant adds, as the note names it: governance, TLS
    detail: str                        # the variant's setup, for the note
    pairs: int = 5

    def execute(self, context):
        plain, variant = interleave.interleave([lambda: self.plain.sample(context.run),
                                                lambda: self.variant.sample(context.run)], self.pairs)
        slug = self.what.lower().replace(" ", "-")
        for kind, runs in (("plain", plain), (slug, variant)):
            with open(context.run.dir / f"interleaved-{slug}-{kind}.jsonl", "w") as f:
                f.writelines(json.dumps(r) + "\n" for r in runs)
        context.add(interleaved_row(variant, plain, self.note, self.what, self.detail))

    def compared(self):
        return self.variant


def interleaved_row(variant, plain, note, what, detail):
    row = dict(interleave.median_run(variant))
    baseline = interleave.median_cpu(plain)
    extra = interleave.change_pct(interleave.cpu(row), baseline)
    known = extra is not None
    row["errors"] = sum(r.get("errors") or 0 for r in variant + plain)
    row["baseline_cpu_us_per_call"] = round(baseline, 2) if known else None
    row["extra_pct"] = None if extra is None else round(extra, 1)
    row["variant_cpu_runs"] = [r.get("cpu_us_per_call") for r in variant]
    row["plain_cpu_runs"] = [r.get("cpu_us_per_call") for r in plain]
    row["note"] = ("%s; %s; median of %d runs interleaved with the plain gateway's: CPU µs/call %s %s, plain %s "
                   "(median %s, %s %s)") % (
        note, detail, len(variant), what, interleave.runs_text(variant), interleave.runs_text(plain),
        "%.1f" % baseline if known else "n/a", what, "n/a" if extra is None else "%+.1f %%" % extra)
    return row


@dataclass(frozen=True)
class ColdList(Item):
    """Scenario 4, cold: the first tools/list after a fresh start of the whole stack, once per
    sample; the median latency, every sample in the note."""
    scenario: str
    target: str
    stack: StackSpec
    samples: int = 3

    def execute(self, context):
        samples = []
        for _ in range(self.samples):
            with targets.start(context.run, self.stack) as stack:
                try:
                    samples.append(mcp.first_list(stack.url))
                except (OSError, ValueError) as error:
                    die(f"first tools/list at {stack.url} failed: {error}")
        latencies = [s[0] for s in samples]
        tools = sorted({s[1] for s in samples})
        row = rows.blank(self.scenario, self.target, sum(1 for s in samples if s[1] == 0),
                         "first tools/list after start, %d starts: %s ms; %s tools" % (
                             len(latencies), ", ".join("%.2f" % (l / 1000) for l in latencies),
                             "/".join(map(str, tools))))
        row["p50_us"] = statistics.median(latencies)
        row["samples_us"] = latencies
        context.add(row)


@dataclass(frozen=True)
class IdleSessions(Item):
    """Scenario 3: the gateway's RSS before and after COUNT sessions are opened and held."""
    scenario: str
    count: int = 10000

    def execute(self, context):
        run = context.run
        spec = StackSpec(GATEWAY, gateway_yaml="sessions: { max_sessions: 20000 }")
        with targets.start(run, spec) as stack:
            gateway = stack.box
            time.sleep(1)
            before = procfs.status_kb(gateway, "VmRSS")
            sessions = run.spawn("sessions", [run.tool, "sessions", "--url", stack.url, "--count", self.count,
                                              "--concurrency", "16", "--hold", "120"])
            # Opening 10,000 sessions takes minutes on a small machine.
            line = waits.line(sessions, sessions.err, r"^HELD [0-9]+", 240)
            held = int(line.split()[1])
            time.sleep(1)
            after, hwm = procfs.status_kb(gateway, "VmRSS"), procfs.status_kb(gateway, "VmHWM")
            processes.stop(sessions)
        per = (after - before) / held if held else None
        row = rows.blank(self.scenario, GATEWAY, self.count - held,
                         "RSS %.1f MB idle, %.1f MB with %s sessions: %.1f KB per session"
                         % (before / 1024, after / 1024, commas(held), per or 0)
                         + ("" if held == self.count else "; " + line))
        row["peak_rss_mb"] = round(hwm / 1024, 1)
        row.update(idle_rss_mb=round(before / 1024, 1), rss_with_sessions_mb=round(after / 1024, 1),
                   kb_per_session=None if per is None else round(per, 2), sessions=held)
        context.add(row)


# --- the tables ---------------------------------------------------------------------------------


def echo_scenario(rate):
    """Scenario 1's name at a rate: the key the peers' rows share."""
    return f"1. echo, {rate.label}"


def echo_rates(plan):
    for rate in plan.rates(500, 2000, 5000):
        for target in plan.targets():
            yield Measured(echo_scenario(rate), target, rate.note, StackSpec(target), rate.args)


def many_sessions(plan):
    for target in plan.targets():
        yield Measured("2. echo, 2,000 req/s, 1,000 sessions", target, "64 connections, 1,000 sessions, open loop",
                       StackSpec(target), ("--sessions", "1000", "--connections", "64", "--rate", "2000"))


def idle_sessions(plan):
    name = "3. 10,000 idle sessions"
    yield NotApplicable(name, "direct", "not applicable: only the gateway holds client sessions to measure")
    if plan.nginx:
        yield NotApplicable(name, "nginx", "not applicable: nginx keeps no MCP session state")
    yield IdleSessions(name)


def merged_lists(plan, servers=20, tools=100):
    cold, warm = f"4. tools/list {servers}×{tools}, cold", f"4. tools/list {servers}×{tools}, warm"
    why = f"not applicable: nginx cannot merge {servers} catalogues; for one server's list it is the direct row plus one hop"
    lists = ("--method", "tools/list", "--connections", "1")
    one = StackSpec("direct", servers=("s01",), tools=tools)
    many = StackSpec(GATEWAY, servers=tuple("s%02d" % i for i in range(1, servers + 1)), tools=tools)
    yield ColdList(cold, "direct", one)
    yield Measured(warm, "direct", f"one upstream's list ({tools} tools), 1 connection, closed loop", one, lists, tool=None)
    if plan.nginx:
        yield NotApplicable(cold, "nginx", why)
        yield NotApplicable(warm, "nginx", why)
    yield ColdList(cold, GATEWAY, many)
    yield Measured(warm, GATEWAY, f"merged list of {servers} servers, 1 connection, closed loop", many, lists, tool=None)


def sse(plan):
    for target in plan.targets():
        yield Measured(f"5. SSE, {commas(plan.sse_count)} progress per call", target,
                       "tools/call stream, 8 connections, closed loop", StackSpec(target), ("--progress-token", "--connections", "8"),
                       tool="stream", arguments=json.dumps({"count": plan.sse_count}, separators=(",", ":")))


def stdio_upstream(plan):
    why = "not applicable: a stdio server has no HTTP endpoint for the load generator or nginx"
    for rate in plan.rates(2000):
        name = f"6. echo via stdio upstream, {rate.label}"
        yield NotApplicable(name, "direct", why)
        if plan.nginx:
            yield NotApplicable(name, "nginx", why)
        yield Measured(name, GATEWAY, f"{rate.note}; CPU is the gateway's alone", StackSpec(GATEWAY, stdio=True), rate.args)


def modern_clients(plan):
    """2026-07-28 clients (stateless requests: _meta envelope and headers, no initialize)
    against a 2026-07-28 upstream, through every target."""
    for rate in plan.rates(2000):
        for target in plan.targets():
            if plan.smoke and target != GATEWAY:
                continue
            yield Measured(f"7. echo, {MODERN} client, {rate.label}", target,
                           f"{rate.note}; stateless {MODERN} requests, {MODERN} upstream",
                           StackSpec(target, era="modern"), ("--era", "modern") + rate.args)


BRIDGES = [
    ("modern", "legacy", f"{MODERN} client → {LEGACY} upstream",
     "bridged: stateless calls become calls in the gateway's 2025-11-25 session upstream, resultType added"),
    ("legacy", "modern", f"{LEGACY} client → {MODERN} upstream",
     "bridged: calls in a 2025-11-25 session become stateless 2026-07-28 requests upstream (_meta and headers stamped), resultType dropped"),
]


def bridged(plan):
    """Each era of client through the gateway to an upstream of the other era: only a bridge
    can pair them (spec digest §2.3, §9), so the gateway is the only target."""
    why = f"not applicable: a {MODERN} party and a {LEGACY} party cannot talk without a bridge (spec digest §2.3); nginx translates nothing"
    for client, upstream, label, note in BRIDGES:
        for rate in plan.rates(2000):
            name = f"8. echo, {label}, {rate.label}"
            if not plan.smoke:
                yield NotApplicable(name, "direct", why)
                if plan.nginx:
                    yield NotApplicable(name, "nginx", why)
            yield Measured(name, GATEWAY, f"{rate.note}; {note}", StackSpec(GATEWAY, era=upstream),
                           ("--era", client) + rate.args)


def beside_plain(plan, name, rate, variant, what, detail, plain=StackSpec(GATEWAY), load=(), arguments=ECHO_ARGUMENTS):
    """Scenarios 9 to 12 and 14 to 16: the echo through VARIANT (a stack, and LOAD for the load generator)
    and through PLAIN (the plain gateway unless given), run alternately (`Interleaved`)."""
    return Interleaved(plain=Measured(name, GATEWAY, "", plain, rate.args, arguments=arguments),
                       variant=Measured(name, GATEWAY, "", variant, rate.args + tuple(load), arguments=arguments),
                       note=rate.note, what=what, detail=detail, pairs=1 if plan.smoke else plan.pairs)


def governed(plan):
    """Scenario 1's call with authentication, policy and quotas on (targets.GOVERNANCE_YAML),
    set beside the plain gateway run alternately with it."""
    for rate in plan.rates(2000):
        yield beside_plain(plan, f"9. echo, auth + policy + quota on, {rate.label}", rate, StackSpec(GATEWAY, governed=True),
                           "governance", "API key, 5 policy rules, 2 quota limits")


def https_upstream(plan):
    """Scenario 1's call to an https upstream (a certificate from a throwaway CA, verified),
    set beside the plain http upstream run alternately with it: TLS is paid per pooled
    connection, so per call it should cost little."""
    variants = [
        ("https upstream", StackSpec(GATEWAY, tls=True), "TLS", "upstream over https, certificate verified against tls.ca_file"),
        ("https upstream, per-user OAuth", StackSpec(GATEWAY, tls=True, oauth=True), "TLS + OAuth",
         "https upstream, credentials.oauth mode per_user: an API key per call, the caller's own upstream session and token"),
    ]
    for rate in plan.rates(2000):
        for label, spec, what, detail in variants:
            yield beside_plain(plan, f"10. echo, {label}, {rate.label}", rate, spec, what, detail)


# Scenario 11's baseline: the gateway with what it records off (both on by default).
OBSERVABILITY_OFF = "audit:\n  enabled: false\nmetrics:\n  enabled: false\n"


def observed(plan):
    """Scenario 1's call through the gateway recording everything issue 13 asks of it (the
    defaults: audit trail to the journal and the store's index, /metrics; plus spans of 10 %
    of traces to an OTLP endpoint), set beside the same gateway with all of it off, run
    alternately."""
    for rate in plan.rates(2000):
        yield beside_plain(plan, f"11. echo, audit + metrics + traces on, {rate.label}", rate, StackSpec(GATEWAY, traces=0.1),
                           "audit + metrics + traces",
                           "call.begin and call.end written to the journal per call and indexed in the store (audit.store, on by default), "
                           "request durations recorded for /metrics, traces sampled at 10 % sent over OTLP/HTTP to a local sink; "
                           "plain: audit.enabled and metrics.enabled false, no traces",
                           plain=StackSpec(GATEWAY, gateway_yaml=OBSERVABILITY_OFF))


def guarded(plan):
    """Scenario 1's call through the gateway with its guards on (the default: every tools list
    pinned and scanned, every tools/call checked against the pins and the server's names),
    set beside the same gateway with guards.enabled false, run alternately."""
    for rate in plan.rates(2000):
        yield beside_plain(plan, f"12. echo 1 KB, guards on, {rate.label}", rate, StackSpec(GATEWAY), "guards",
                           "tools pinned and scanned at their first list, each tools/call checked against its pin and the "
                           "server's listed names, its 1 KB of arguments read for secrets and its 1 KB result for secrets, "
                           "personal data and instructions; plain: guards.enabled false",
                           plain=StackSpec(GATEWAY, gateway_yaml="guards:\n  enabled: false\n"), arguments=KILOBYTE_ARGUMENTS)


def searched(plan, servers=20, tools=100):
    """search_tools at a virtual server in search mode over a 20 × 100-tool catalogue, with a
    query every tool matches (each bench tool is "like echo" and takes "text"): the most a
    search scores and sorts. The index is made at the first search and kept (30 s for servers
    that do not announce list changes, as the bench upstreams do not). The smoke run searches 2 × 10
    tools: a debug build takes longer than its second to index 2,000."""
    if plan.smoke:
        servers, tools = 2, 10
    name = f"13. search_tools over {servers}×{tools} tools"
    yaml = 'virtual_servers:\n  finder:\n    tools: ["*"]\n    search: true\n'
    spec = StackSpec(GATEWAY, servers=tuple("s%02d" % i for i in range(1, servers + 1)), tools=tools, gateway_yaml=yaml, path="/mcp/finder")
    if plan.nginx:
        yield NotApplicable(name, "nginx", "not applicable: nginx has no catalogue to search")
    yield Measured(name, GATEWAY, f"search_tools at /mcp/finder, query \"echo text\" matching all {servers * tools} tools, 1 connection, "
                   "closed loop", spec, ("--connections", "1"), tool="search_tools", arguments='{"query":"echo text"}', gateway_tool=True)


def rest_door(plan):
    """Scenario 1's call through the REST front door (POST /api/v1/tools/bench__echo/call, the
    arguments as the body, the result as the answer) set beside the same call through /mcp,
    run alternately: the REST door runs each call as a 2026-07-28 request through the gateway."""
    for rate in plan.rates(2000):
        yield beside_plain(plan, f"14. echo, REST front door, {rate.label}", rate, StackSpec(GATEWAY, path="/api/v1/tools/bench__echo/call"),
                           "REST", "POST /api/v1/tools/bench__echo/call with the arguments as the body; plain: the same call "
                           "as an MCP tools/call at /mcp", load=("--era", "rest"))


def openapi_upstream(plan):
    """Scenario 1's call to a REST API instead of an MCP server: the bench upstream's POST
    /rest/echo described by an OpenAPI document (one operation, echo), so rest__echo is
    compiled from it and each call is the gateway's own HTTP request, its JSON answer the
    result's structuredContent; set beside the same call to the MCP echo, run alternately.
    The server has its own name: its echo is another tool, which the guards would quarantine
    as bench__echo changed since it was pinned."""
    for rate in plan.rates(2000):
        yield beside_plain(plan, f"15. echo, OpenAPI server (REST upstream), {rate.label}", rate, StackSpec(GATEWAY, openapi=True, servers=("rest",)),
                           "OpenAPI", "rest__echo compiled from an OpenAPI document: {\"text\"} sent as the JSON body of POST /rest/echo, "
                           "the answer returned as text and structuredContent; plain: the same call to the upstream's MCP echo")


def a2a_door(plan):
    """Scenario 1's call through the A2A front door (SendMessage at /a2a, a data part calling
    bench__echo, the completed task as the answer) set beside the same call through /mcp, run
    alternately: each message is a task kept in the gateway's table and one 2026-07-28 request
    through the gateway."""
    for rate in plan.rates(2000):
        yield beside_plain(plan, f"16. echo, A2A front door, {rate.label}", rate, StackSpec(GATEWAY, path="/a2a"), "A2A",
                           "SendMessage at /a2a with a data part {skill: bench__echo, arguments}, answered with the "
                           "completed task; plain: the same call as an MCP tools/call at /mcp", load=("--era", "a2a"))


SCENARIOS = {1: echo_rates, 2: many_sessions, 3: idle_sessions, 4: merged_lists, 5: sse, 6: stdio_upstream,
             7: modern_clients, 8: bridged, 9: governed, 10: https_upstream, 11: observed, 12: guarded, 13: searched, 14: rest_door, 15: openapi_upstream, 16: a2a_door}
