"""`scripts/bench --against REF`: this tree's gateway (the candidate) against the gateway built
from git REF (the baseline), for judging a refactor. Both run behind the same upstream and
under the same load generator (this tree's), alternately, as scenario 9 runs the plain and the
governed gateway; what is compared is the CPU per call of the gateway's rows."""
import dataclasses
import datetime
import json
import shutil

from . import interleave, machine
from .machine import ROOT
from .run import die, g
from .scenarios import SCENARIOS, Plan

# Folders starting ".build-" are git-ignored.
AB = ROOT / ".build-ab"


def build_baseline(ref, log, log_file):
    """REF's switchboard, built in release mode from a worktree of REF (.build-ab/src) into its
    own scratch folder (.build-ab/build); a build of the same commit is reused. (path, commit)."""
    resolved = machine.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if resolved.returncode != 0:
        die(f"--against {ref}: not a commit")
    commit = resolved.stdout.strip()
    source, scratch = AB / "src", AB / "build"
    gateway, built = scratch / "release" / "switchboard", scratch / "switchboard.commit"
    if gateway.exists() and built.exists() and built.read_text() == commit:
        log(f"baseline: {ref} ({commit[:7]}), built earlier in {scratch.relative_to(ROOT)}")
        return gateway, commit
    # A worktree deleted by hand is still registered until pruned, and blocks a new one there.
    machine.git("worktree", "prune")
    if not (source / ".git").exists():
        shutil.rmtree(source, ignore_errors=True)
        added = machine.git("worktree", "add", "--detach", str(source), commit)
        if added.returncode != 0:
            die(f"git worktree add {source} {commit[:7]} failed")
    elif machine.git("checkout", "--detach", "--force", commit, cwd=source).returncode != 0:
        die(f"git checkout {commit[:7]} in {source} failed")
    # Package.resolved is not committed: the baseline gets the dependency versions the
    # candidate was built with, so that only the code differs.
    if (ROOT / "Package.resolved").exists():
        shutil.copyfile(ROOT / "Package.resolved", source / "Package.resolved")
    built.unlink(missing_ok=True)
    log(f"building the baseline {ref} ({commit[:7]}): swift build -c release --product switchboard into "
        f"{scratch.relative_to(ROOT)}")
    machine.swift_build(["-c", "release", "--product", "switchboard", "--package-path", str(source),
                         "--scratch-path", str(scratch)], log_file)
    built.write_text(commit)
    return gateway, commit


def cpu_text(value):
    return "–" if value is None else "%.1f" % value


def side(runs):
    """One build's part of a row of ab.json."""
    cpu = [r.get("cpu_us_per_call") for r in runs]
    return {"median_cpu_us_per_call": None if None in cpu else round(interleave.median_cpu(runs), 2),
            "cpu_runs": cpu, "throughput_runs": [r.get("throughput") for r in runs],
            "errors": sum(r.get("errors") or 0 for r in runs)}


def compare(run, ref, scenarios, rounds, path):
    log = run.log
    compared = []
    for number in scenarios:
        found = [m for m in (item.compared() for item in SCENARIOS[number](Plan(nginx=False))) if m]
        if not found:
            log(f"scenario {number}: no CPU per call through the gateway to compare")
        compared += found
    if not compared:
        die("nothing to compare in scenarios " + ",".join(map(str, scenarios)))
    baseline_gateway, baseline_commit = build_baseline(ref, log, run.dir / "build-baseline.log")
    builds = {"baseline": dataclasses.replace(run, gateway=baseline_gateway), "candidate": run}
    report = {"date": datetime.date.today().isoformat(), "ref": ref,
              "baseline": {"commit": baseline_commit, "gateway": str(baseline_gateway)},
              "candidate": {"commit": machine.commit(), "gateway": str(run.gateway)},
              "runs": rounds,
              "method": f"{g(run.warmup)}s warm-up then {g(run.duration)}s measured per run; baseline and candidate "
                        "run alternately, which goes first alternating too; CPU µs per call of the gateway",
              "rows": []}
    log(f"A/B: candidate {report['candidate']['commit']} against baseline {ref} ({baseline_commit[:7]}); "
        f"{report['method']}; {rounds} runs each")
    for measured in compared:
        log(f"  {measured.scenario}")

        def one(kind, measured=measured):
            row = measured.sample(builds[kind])
            log(f"    {kind:9} {cpu_text(row.get('cpu_us_per_call'))} µs/call, {row['throughput']:,.0f} calls/s"
                + (f", {row['errors']} errors" if row.get("errors") else ""))
            return row

        baseline, candidate = interleave.interleave([lambda: one("baseline"), lambda: one("candidate")], rounds)
        change = interleave.change_pct(interleave.median_cpu(candidate), interleave.median_cpu(baseline))
        paired = interleave.paired_change_pct(candidate, baseline)
        report["rows"].append({"scenario": measured.scenario, "baseline": side(baseline), "candidate": side(candidate),
                               # + 0.0 turns a rounded -0.0 into 0.0
                               "delta_pct": None if change is None else round(change, 1) + 0.0,
                               "paired_delta_pct": None if paired is None else round(paired, 1) + 0.0})
        # Written after every row, so that an interrupted run keeps what it measured.
        path.write_text(json.dumps(report, indent=1) + "\n")
    log("")
    summary(report, log)


def summary(report, log):
    """A line per row: the two medians, the change between them and the median change within
    pairs (see `interleave.paired_change_pct`), every run."""
    title = "median CPU µs per call"
    width = max(len(title), *(len(r["scenario"]) for r in report["rows"]))
    log("  %-*s %9s %9s %8s %8s  %s" % (width, title, "baseline", "candidate", "change", "paired", "runs: baseline | candidate"))
    for row in report["rows"]:
        base, cand = row["baseline"], row["candidate"]
        paired = row.get("paired_delta_pct")
        log("  %-*s %9s %9s %8s %8s  %s | %s" % (
            width, row["scenario"], cpu_text(base["median_cpu_us_per_call"]), cpu_text(cand["median_cpu_us_per_call"]),
            "n/a" if row["delta_pct"] is None else "%+.1f %%" % row["delta_pct"],
            "n/a" if paired is None else "%+.1f %%" % paired,
            ", ".join(map(cpu_text, base["cpu_runs"])), ", ".join(map(cpu_text, cand["cpu_runs"]))))
