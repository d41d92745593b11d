"""End-to-end benchmark: every scenario against the upstream directly, nginx (plain proxy_pass)
and Switchboard in front of the same upstream. Results go to .build/bench/results.jsonl and,
rendered by scripts/bench-report, into docs/benchmarks.md. Method: docs/benchmarks.md.

  scripts/bench                    build release binaries, install nginx if missing, run all,
                                   then scenario 1 through the peer gateways (scripts/bench-peers)
  scripts/bench --no-peers         the same without the peer gateways
  scripts/bench --smoke            seconds, debug binaries, fails on any error; for CI
  scripts/bench --scenarios 7,8    run some scenarios (their rows are replaced, others kept)
  scripts/bench --no-build         use the release binaries already built
  scripts/bench --duration 10 --warmup 2
  scripts/bench --against REF [--runs N] --scenarios 1,9
                                   A/B: this tree's gateway against git REF's (built in release
                                   mode under .build-ab/), run alternately N times each (5) per
                                   row; medians and the change to .build/bench/ab.json, not to
                                   results.jsonl
BENCH_TOOL and BENCH_GATEWAY name other switchboard-bench and switchboard binaries."""
import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import ab, machine, nginx, processes, rows
from .machine import ROOT
from .run import CPU_INSET, READY_SECS, Log, Run, die, g
from .scenarios import OWN_TARGETS, SCENARIOS, Context, Plan


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="seconds, debug binaries, fails on any error")
    parser.add_argument("--no-build", dest="build", action="store_false", help="use the release binaries already built")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="skip scripts/bench-peers")
    parser.add_argument("--scenarios", type=scenario_list, default=sorted(SCENARIOS), metavar="N,N",
                        help="some of 1-12 (default all)")
    parser.add_argument("--duration", type=float, default=10, metavar="SECONDS", help="measured per row (10)")
    parser.add_argument("--warmup", type=float, default=2, metavar="SECONDS", help="before each measurement (2)")
    parser.add_argument("--against", metavar="REF", help="A/B against the gateway of git REF")
    parser.add_argument("--runs", type=int, default=5, metavar="N", help="with --against: runs of each build per row (5)")
    parser.add_argument("--pairs", type=int, default=5, metavar="N",
                        help="scenarios 9 to 12: runs of the plain gateway and of the variant, alternately (5)")
    options = parser.parse_args(argv)
    if options.against and options.smoke:
        parser.error("--against and --smoke do not go together")
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    if options.pairs < 1:
        parser.error("--pairs must be at least 1")
    if options.smoke:
        # Seconds on debug binaries, whatever else was asked: 7 and 8 at saturation through the
        # gateway only (one 2026-07-28 path and both bridges), 9 with authentication, policy and
        # quotas on, 10 to an https upstream, 11 with the audit trail off and on, 12 with guards off and on,
        # 13 searching a virtual server in search mode, 14 the REST front door and /mcp, 15 an
        # OpenAPI server, 16 the A2A front door.
        vars(options).update(build=False, scenarios=[1, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], duration=1.0, warmup=0.5, cpu_inset=0.25,
                             sse_count=20, ready_secs=15.0)
    else:
        vars(options).update(cpu_inset=CPU_INSET, sse_count=1000, ready_secs=READY_SECS)
    return options


def scenario_list(text):
    try:
        numbers = sorted({int(n) for n in text.split(",") if n.strip()})
    except ValueError:
        numbers = []
    if not numbers or any(n not in SCENARIOS for n in numbers):
        raise argparse.ArgumentTypeError(f"not a list of scenarios 1-{max(SCENARIOS)}: {text}")
    return numbers


def binaries(options, run_dir, log):
    """(gateway, load generator): debug builds for the smoke run, else release ones, built
    first unless --no-build."""
    if options.smoke:
        directory = ".build/debug"
    else:
        if options.build:
            log("building release binaries (swift build -c release)")
            machine.swift_build(["-c", "release"], run_dir / "build.log")
        directory = ".build/release"
    gateway = os.environ.get("BENCH_GATEWAY") or f"{directory}/switchboard"
    tool = os.environ.get("BENCH_TOOL") or f"{directory}/switchboard-bench"
    gateway, tool = (machine.binary(b, "run swift build first") for b in (gateway, tool))
    machine.check_load_generator(tool)
    return gateway, tool


def smoke_summary(results, seconds):
    """The one line CI shows; exit status 1 unless every row answered without an error."""
    all_rows = results.rows()
    errors = sum(r.get("errors") or 0 for r in all_rows)
    measured = [r for r in all_rows if r.get("throughput") is not None]
    parts = []
    for scenario in dict.fromkeys(r["scenario"] for r in measured):
        parts.append("%s: %s" % (scenario.split(". ", 1)[-1], ", ".join(
            "%s %s/s" % (r["target"], format(round(r["throughput"]), ",")) for r in measured if r["scenario"] == scenario)))
    ok = errors == 0 and all(r["throughput"] > 0 for r in measured) and measured
    failed = [r for r in all_rows if r.get("errors")]
    why = "; %s via %s: %s" % (failed[0]["scenario"], failed[0]["target"], failed[0]["note"]) if failed else ""
    print("bench smoke: %s; %s; %d errors (%ss)%s" % ("ok" if ok else "FAILED", "; ".join(parts), errors, seconds, why))
    return 0 if ok else 1


def bench(options, guard):
    started = time.monotonic()
    os.chdir(ROOT)
    out = Path(".build/bench/smoke" if options.smoke else ".build/bench")
    # A/B runs keep their own process logs, so they never replace those of the last full run.
    run_dir = ROOT / out / ("ab-run" if options.against else "run")
    results = rows.Results(out / "results.jsonl")
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    guard.logs = run_dir
    log = Log(out / "log" if options.smoke else None)
    if options.smoke:
        (out / "log").write_text("")
        results.path.unlink(missing_ok=True)
    machine.raise_fd_limit()
    nginx_binary = nginx.find()
    if nginx_binary is None and not options.smoke and not options.against:
        nginx.install(log, run_dir / "apt.log")
        nginx_binary = nginx.find()
    gateway, tool = binaries(options, run_dir, log)
    run = Run(dir=run_dir, tool=tool, gateway=gateway, nginx=nginx_binary, warmup=options.warmup,
              duration=options.duration, cpu_inset=options.cpu_inset, ready_secs=options.ready_secs, log=log)
    if options.against:
        ab.compare(run, options.against, options.scenarios, options.runs, out / "ab.json")
        log("")
        log(f"A/B: {out / 'ab.json'}; took {int(time.monotonic() - started)}s")
        return 0
    method = (f"{g(options.warmup)}s warm-up then {g(options.duration)}s measured per row; every target restarted for "
              "every row; load generator, middle box and upstream share the machine")
    machine.write_meta(out / "meta.json", machine.describe(nginx_binary, method), log)
    if not options.smoke and options.scenarios == sorted(SCENARIOS):
        # A full run starts from no rows of its own targets (the peers' rows are kept).
        results.drop_targets(OWN_TARGETS)
    plan = Plan(smoke=options.smoke, nginx=nginx_binary is not None, sse_count=options.sse_count, pairs=options.pairs)
    context = Context(run, results)
    for number in options.scenarios:
        for item in SCENARIOS[number](plan):
            item.execute(context)
    if options.smoke:
        return smoke_summary(results, int(time.monotonic() - started))
    if options.peers and 1 in options.scenarios:
        # The peers' rows land in the same results file; the report below shows them beside ours.
        log("")
        if run_peers(options) != 0:
            log("bench: the peer gateways run failed; their rows say why")
    log("")
    report = subprocess.run([sys.executable, "scripts/bench-report", "--results", str(results.path), "--meta",
                             str(out / "meta.json"), "--doc", "docs/benchmarks.md", "--print"])
    if report.returncode != 0:
        die("scripts/bench-report failed")
    log("")
    log(f"results: {results.path}; table written to docs/benchmarks.md; took {int(time.monotonic() - started)}s")
    return 0


def run_peers(options):
    """scripts/bench-peers as its own process, in our process group so that a Ctrl-C reaches it
    too, and stopped if we are stopped while it runs."""
    peers = subprocess.Popen([sys.executable, "scripts/bench-peers", "--no-build", "--duration", g(options.duration),
                              "--warmup", g(options.warmup)])
    try:
        return peers.wait()
    finally:
        if peers.poll() is None:
            peers.terminate()
            peers.wait(60)


def main(argv):
    options = parse(argv)
    return processes.Guard("bench").run(lambda guard: bench(options, guard))
