"""Peers mode of the benchmark: scenario 1 (tools/call echo at 500, 2,000 and 5,000 req/s and at
saturation) through two other MCP gateways from PyPI, IBM ContextForge and a FastMCP proxy, in
front of the same bench upstream and driven by the same load generator as scripts/bench. Rows
(target "contextforge" / "fastmcp") go to .build/bench/results.jsonl, replacing earlier rows of
the same scenario and target; scripts/bench-report shows them beside Switchboard's.

  scripts/bench-peers                         install the peers if needed, build, run both
  scripts/bench-peers --setup-only            only install/check the venvs under .build-peers/
  scripts/bench-peers --targets fastmcp       one peer (contextforge,fastmcp)
  scripts/bench-peers --rates saturation,2000 some rates (saturation,500,2000,5000)
  scripts/bench-peers --no-build --duration 10 --warmup 2
  scripts/bench-peers --cf-workers 2          ContextForge on 2 uvicorn workers (default 1)
  scripts/bench-peers --cf-stateless          ContextForge with USE_STATEFUL_SESSIONS=false (its
                                              default: a new upstream session for every call);
                                              with --cf-workers > 1 use it: stateful sessions span
                                              workers only with Redis, which is not set up here

Peers: mcp-contextforge-gateway 1.1.0 (needs Python >= 3.12: PEERS_PYTHON, else python3.13/3.12
on PATH or under ~/.pyenv/versions) and fastmcp 4.1.2 (python3), each in its own venv with the
tested transitive set pinned by scripts/bench-peers.d/*.txt; a marker file makes a second run a
fast no-op. A peer that cannot be installed, started or registered gets rows with "errors" and
a note saying why, never a made-up number. BENCH_TOOL names another switchboard-bench,
BENCH_PEERS_DIR another folder for the venvs, BENCH_PEERS_RESULTS another rows file."""
import argparse
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import loadgen, machine, mcp, processes, procfs, rows, targets, venvs, waits
from .machine import ROOT
from .ports import free_port
from .processes import Failure
from .run import CPU_INSET, READY_SECS, Log, Run, g
from .scenarios import ECHO_ARGUMENTS, SATURATION, Rate, echo_scenario
from .targets import Stack
from .venvs import CONTEXTFORGE, FASTMCP, last_words

CF_VERSION, FM_VERSION = "1.1.0", "4.1.2"
CF_ADMIN = "admin@example.com"
CF_READY_SECS = 240   # ContextForge imports and migrates for ~20 s on an idle 2-core machine
PACKAGES = {"contextforge": CONTEXTFORGE, "fastmcp": FASTMCP}
# Not in scripts/benchkit: see its docstring.
FASTMCP_PROXY = ROOT / "scripts" / "bench-peers.d" / "fastmcp_proxy.py"


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench-peers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=lambda t: names(t, PACKAGES), default=list(PACKAGES), metavar="T,T")
    parser.add_argument("--rates", type=rate_list, default=rate_list("saturation,500,2000,5000"), metavar="R,R")
    parser.add_argument("--duration", type=float, default=10, metavar="SECONDS")
    parser.add_argument("--warmup", type=float, default=2, metavar="SECONDS")
    parser.add_argument("--no-build", dest="build", action="store_false")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--cf-workers", type=int, default=1, metavar="N")
    parser.add_argument("--cf-stateless", dest="cf_stateful", action="store_false")
    return parser.parse_args(argv)


def names(text, known):
    chosen = [n for n in text.split(",") if n]
    unknown = [n for n in chosen if n not in known]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown target {','.join(unknown) or text!r} ({', '.join(known)})")
    return chosen


def rate_list(text):
    try:
        return [SATURATION if r == "saturation" else Rate(int(r)) for r in text.split(",") if r]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of rates (saturation,500,2000,5000): {text}")


class Peers:
    """Starts and measures the peer gateways."""

    def __init__(self, run, options, venvs_dir):
        self.run, self.options, self.venvs = run, options, venvs_dir
        self.contextforge_env = None
        self.saturated = {}   # target: calls/s at saturation, to set the fixed rates' misses beside

    # --- ContextForge ----------------------------------------------------------------------------

    def secrets(self):
        """ContextForge's settings: secrets from its own generator (init-secrets), the admin
        user, and what the benchmark needs. Never printed."""
        if self.contextforge_env is not None:
            return self.contextforge_env
        with open(self.run.dir / "init-secrets.err", "w") as err:
            made = subprocess.run([str(self.venvs / "contextforge" / "bin" / "init-secrets"), "--stdout"],
                                  stdout=subprocess.PIPE, stderr=err, text=True)
        if made.returncode != 0:
            raise Failure(f"init-secrets --stdout failed: {last_words(self.run.dir / 'init-secrets.err')}")
        env = dict(l.split("=", 1) for l in made.stdout.splitlines() if re.match(r"[A-Z_]+=", l))
        env.update(BASIC_AUTH_USER="admin", PLATFORM_ADMIN_EMAIL=CF_ADMIN, MCPGATEWAY_ADMIN_API_ENABLED="true",
                   MCPGATEWAY_UI_ENABLED="false", RATE_LIMITING_ENABLED="false", SSRF_ALLOW_LOCALHOST="true",
                   CACHE_TYPE="memory", DATABASE_URL=f"sqlite:///{self.run.dir}/contextforge/mcp.db", LOG_LEVEL="ERROR",
                   # Stateful downstream sessions make ContextForge keep one upstream session per
                   # downstream session (its #4205 registry); stateless, every call opens a new one.
                   USE_STATEFUL_SESSIONS="true" if self.options.cf_stateful else "false")
        self.contextforge_env = env
        return env

    def start_contextforge(self, stack, upstream_port):
        """Gateway up, upstream registered, virtual server made, token minted; the tool's name."""
        run, venv, env = self.run, self.venvs / "contextforge", {**os.environ, **self.secrets()}
        port = free_port()
        directory = run.dir / "contextforge"
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir()
        proc = run.spawn("contextforge", [venv / "bin" / "mcpgateway", "--host", "127.0.0.1", "--port", port,
                                          "--workers", self.options.cf_workers], env=env, cwd=directory)
        stack.procs.append(proc)
        stack.box = proc.pid
        try:
            waits.serving(proc, f"http://127.0.0.1:{port}/health", CF_READY_SECS, poll=0.2, timeout=2)
        except waits.NotReady as not_ready:
            raise Failure(f"mcpgateway {not_ready.because('/health', CF_READY_SECS)}: {last_words(proc.err)}")
        with open(run.dir / "token.err", "w") as err:
            minted = subprocess.run([str(venv / "bin" / "python"), "-m", "mcpgateway.utils.create_jwt_token", "--username",
                                     CF_ADMIN, "--exp", "120", f"--secret={env.get('JWT_SECRET_KEY', '')}"],
                                    env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        token = (minted.stdout.strip().splitlines() or [""])[-1]
        if token.count(".") < 2:
            raise Failure(f"create_jwt_token gave no token: {last_words(run.dir / 'token.err')}")
        stack.headers = (f"Authorization: Bearer {token}",)
        # A loaded machine may time an admin call out: one more try.
        for attempt in (1, 2):
            try:
                server = register(f"http://127.0.0.1:{port}", token, f"http://127.0.0.1:{upstream_port}/mcp")
                break
            except Failure as failure:
                (run.dir / f"register-try{attempt}.err").write_text(f"{failure}\n")
                if attempt == 2:
                    raise Failure(f"registration via the admin API failed: {failure}")
                time.sleep(2)
        stack.url = f"http://127.0.0.1:{port}/servers/{server}/mcp"
        tool = probe(stack)
        mode = ("stateful sessions (one upstream session per client session)" if self.options.cf_stateful
                else "stateless (a new upstream session per call)")
        stack.description = (f"ContextForge {CF_VERSION}: {self.options.cf_workers} uvicorn worker(s), "
                             f"{len(procfs.tree(proc.pid))} processes with its jq/regex sandboxes, SQLite, {mode}; "
                             f"/servers/{{id}}/mcp, tool {tool}")
        return tool

    # --- FastMCP ---------------------------------------------------------------------------------

    def start_fastmcp(self, stack, upstream_port):
        port = free_port()
        proc = self.run.spawn("fastmcp", [self.venvs / "fastmcp" / "bin" / "python", FASTMCP_PROXY,
                                          f"http://127.0.0.1:{upstream_port}/mcp", port])
        stack.procs.append(proc)
        stack.box, stack.url = proc.pid, f"http://127.0.0.1:{port}/mcp"
        try:
            waits.serving(proc, stack.url, READY_SECS, poll=0.2, timeout=2)
        except waits.NotReady as not_ready:
            raise Failure(f"FastMCP proxy {not_ready.because('/mcp', READY_SECS)}: {last_words(proc.err)}")
        tool = probe(stack)
        stack.description = (f"FastMCP {FM_VERSION}: create_proxy(url) mounted as namespace bench (a new upstream "
                             f"session per call), 1 process; /mcp, tool {tool}")
        return tool

    # --- rows ------------------------------------------------------------------------------------

    def row(self, target, rate):
        """Upstream and peer started afresh (as scripts/bench restarts every target for every
        row), one measurement, everything stopped; the row, failed with the reason if any step
        failed."""
        name = echo_scenario(rate)
        # ContextForge's uvicorn takes its time to stop; its workers and sandboxes are measured too.
        with Stack(url="", whole_tree=True, grace=10, leftovers=3) as stack:
            try:
                try:
                    upstream, port = targets.start_upstream(self.run)
                except waits.NotReady:
                    raise Failure("bench upstream did not print READY: "
                                  + " ".join(processes.tail(self.run.dir / "upstream-bench.err", 2)))
                stack.procs.append(upstream)
                start = self.start_contextforge if target == "contextforge" else self.start_fastmcp
                tool = start(stack, port)
            except Failure as failure:
                return rows.failed(name, target, str(failure))
            self.run.log(f"  ({stack.description})")
            row = self.measure(stack, tool, name, target, f"{rate.note}; {stack.description}", rate)
        if rate == SATURATION and row.get("throughput") is not None:
            self.saturated[target] = round(row["throughput"])
        return row

    def measure(self, stack, tool, scenario, target, note, rate):
        """A row from the load generator against the peer, CPU and peak RSS over its whole
        process tree (uvicorn workers included); a failed row if the load generator fails."""
        run = self.run
        sample = loadgen.run_load(run, stack, scenario, target, ["--tool", tool, "--arguments", ECHO_ARGUMENTS, *rate.args])
        if sample.status != 0:
            return rows.failed(scenario, target, f"load generator exited {sample.status}: "
                               + " ".join(processes.tail(run.dir / "load.err", 2))[:200])
        if sample.load is None:
            return rows.failed(scenario, target, "no JSON from the load generator")
        row = rows.measured(scenario, target, note, sample)
        load = sample.load
        if load.get("rate") and "rate was not sustained" in str(load.get("first_error") or ""):
            base, _, description = note.partition("; ")
            saturated = self.saturated.get(target)
            row["note"] = "%s; rate not sustained: %s intended requests not answered in time%s; %s" % (
                base, format(row["errors"], ","), " (saturation: %s req/s)" % saturated if saturated else "", description)
        if load.get("requests", 0) == 0:
            # Nothing answered inside the window: no latency was measured.
            row.update(p50_us=None, p99_us=None, p999_us=None, max_us=None)
        with open("/proc/loadavg") as f:
            loadavg = float(f.read().split()[0])
        row.update(processes=sample.processes, loadavg_1m=loadavg,
                   main_process_peak_rss_mb=round(sample.main_peak_rss_kb / 1024, 1))
        return row


def register(base, token, upstream):
    """The upstream as a ContextForge gateway, then a virtual server exposing its echo tool
    only; idempotent, so a second try picks up what the first made. The server's id."""

    def call(method, path, body=None):
        request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            raise Failure("%s %s -> HTTP %d: %s" % (method, path, e.code, " ".join(e.read().decode().split())[:300]))
        except (OSError, ValueError) as e:
            raise Failure("%s %s -> %s: %s" % (method, path, type(e).__name__, e))

    gateway = [g for g in call("GET", "/gateways") if g.get("name") == "bench"]
    gateway = gateway[0] if gateway else call("POST", "/gateways", {"name": "bench", "url": upstream, "transport": "STREAMABLEHTTP"})
    tools = [t for t in call("GET", "/tools") if t.get("gatewayId") == gateway["id"] or t.get("gatewaySlug") == "bench"]
    echo = [t for t in tools if t.get("originalName") == "echo"]
    if not echo:
        raise Failure("gateway %s registered but no echo tool among %s" % (gateway["id"], [t.get("name") for t in tools]))
    server = [s for s in call("GET", "/servers") if s.get("name") == "bench-echo"]
    server = server[0] if server else call("POST", "/servers", {"server": {"name": "bench-echo", "associated_tools": [echo[0]["id"]]}})
    return server["id"]


def probe(stack):
    try:
        return mcp.probe_echo(stack.url, stack.headers)
    except (mcp.ProtocolError, OSError, ValueError) as error:
        raise Failure(f"MCP probe of {stack.url} failed: {error}")


def peers_bench(options, guard):
    started = time.monotonic()
    os.chdir(ROOT)
    out = Path(".build/bench")
    run_dir = ROOT / out / "peers-run"
    results = rows.Results(os.environ.get("BENCH_PEERS_RESULTS") or out / "results.jsonl")
    venvs_dir = Path(os.environ.get("BENCH_PEERS_DIR") or ".build-peers").resolve()
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    guard.logs = run_dir
    log = Log()
    machine.raise_fd_limit()
    setup_errors = venvs.setup([PACKAGES[t] for t in options.targets], venvs_dir, run_dir, log)
    if options.setup_only:
        log(f"setup took {int(time.monotonic() - started)}s")
        return 1 if setup_errors else 0
    tool = os.environ.get("BENCH_TOOL")
    if options.build and not tool:
        log("building switchboard-bench (swift build -c release --product switchboard-bench)")
        machine.swift_build(["-c", "release", "--product", "switchboard-bench"], run_dir / "build.log")
    tool = machine.binary(tool or ".build/release/switchboard-bench", "run swift build -c release first")
    machine.check_load_generator(tool)
    run = Run(dir=run_dir, tool=tool, gateway=None, nginx=None, warmup=options.warmup, duration=options.duration,
              cpu_inset=CPU_INSET, ready_secs=READY_SECS, log=log)
    log(f"scenario 1 through the peers: {g(options.warmup)}s warm-up then {g(options.duration)}s measured per row; "
        "upstream and peer restarted for every row; CPU and peak RSS are the peer's process tree's")
    peers = Peers(run, options, venvs_dir)
    for rate in options.rates:
        for target in options.targets:
            row = rows.failed(echo_scenario(rate), target, setup_errors[target]) if target in setup_errors \
                else peers.row(target, rate)
            results.add(row)
            log(rows.line(row, 24, "req/s"))
    log("")
    log(f"results: {results.path} (render: scripts/bench-report); took {int(time.monotonic() - started)}s")
    return 0


def main(argv):
    options = parse(argv)
    return processes.Guard("bench-peers").run(lambda guard: peers_bench(options, guard))
