"""Result rows: one JSON object per scenario and target in .build/bench/results.jsonl, the format
scripts/bench-report renders (fields in docs/benchmarks.md)."""
import fcntl
import json
from pathlib import Path


def blank(scenario, target, errors, note):
    """A row without numbers."""
    return {"scenario": scenario, "target": target, "throughput": None, "p50_us": None, "p99_us": None,
            "p999_us": None, "cpu_us_per_call": None, "peak_rss_mb": None, "errors": errors, "note": note}


def not_applicable(scenario, target, why):
    return blank(scenario, target, 0, why)


def failed(scenario, target, why):
    """A row that should have had numbers: errors 1 and the reason, never a made-up figure."""
    return blank(scenario, target, 1, "FAILED: " + why)


def measured(scenario, target, note, sample):
    """A row from one run of the load generator (a loadgen.Sample)."""
    load = sample.load
    lat = load.get("latency_us") or {}
    calls = load["throughput"] * sample.window
    cpu = sample.ticks / sample.clock_ticks * 1e6 / calls if calls > 0 else None
    if load.get("first_error"):
        note = (note + "; " if note else "") + "first error: " + str(load["first_error"])[:120]
    return {"scenario": scenario, "target": target, "throughput": round(load["throughput"], 1),
            "p50_us": lat.get("p50"), "p99_us": lat.get("p99"), "p999_us": lat.get("p999"),
            "cpu_us_per_call": None if cpu is None else round(cpu, 2),
            "peak_rss_mb": round(sample.peak_rss_kb / 1024, 1), "errors": load.get("errors", 0), "note": note,
            "requests": load.get("requests"), "max_us": lat.get("max"),
            "sessions": load.get("sessions"), "connections": load.get("connections"), "rate": load.get("rate")}


def line(row, width=42, unit="calls/s"):
    """One console line for a row."""
    if all(row.get(k) is None for k in ("throughput", "p50_us", "peak_rss_mb")):
        return "  %-*s %-12s %s" % (width, row["scenario"], row["target"], row["note"] if row.get("errors") else "n/a")
    f = lambda v, fmt: "-" if v is None else fmt.format(v)
    return "  %-*s %-12s %s %s  p50 %s  p99 %s  p99.9 %s  cpu %s  rss %s  errors %d" % (
        width, row["scenario"], row["target"], f(row.get("throughput"), "{:,.0f}"), unit,
        f(row.get("p50_us"), "{:,.0f}µs"), f(row.get("p99_us"), "{:,.0f}µs"), f(row.get("p999_us"), "{:,.0f}µs"),
        f(row.get("cpu_us_per_call"), "{:.1f}µs/call"), f(row.get("peak_rss_mb"), "{:.1f}MB"), row.get("errors") or 0)


class Results:
    """The rows file. A row replaces any earlier row of the same scenario and target; writes
    hold a lock, since scripts/bench-peers may write the same file as another run."""

    def __init__(self, path):
        self.path = Path(path)

    def rows(self):
        try:
            with open(self.path) as f:
                return [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def _rewrite(self, change):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / f".{self.path.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            rows = change(self.rows())
            with open(self.path, "w") as f:
                for r in rows:
                    f.write(json.dumps(r) + "\n")

    def add(self, row):
        key = (row["scenario"], row["target"])
        self._rewrite(lambda rows: [r for r in rows if (r.get("scenario"), r.get("target")) != key] + [row])

    def drop_targets(self, targets):
        if self.path.exists():
            self._rewrite(lambda rows: [r for r in rows if r.get("target") not in targets])
