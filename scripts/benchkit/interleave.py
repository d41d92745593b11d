"""Runs of two variants taken alternately, and their medians. On this machine the run-to-run
noise at a fixed rate (about ±15 % CPU per call) is larger than the differences worth knowing
(governance, a refactor), so variants are never compared across runs taken minutes apart:
scenario 9 (plain gateway against governed) and `scripts/bench --against` (baseline build
against candidate) both interleave."""
import statistics


def interleave(variants, rounds):
    """Calls each of VARIANTS (functions returning a row) ROUNDS times, one after the other,
    with the order reversed every other round so that neither always runs second, on a machine
    the other has just warmed; the rows, a list per variant."""
    runs = [[] for _ in variants]
    for round in range(rounds):
        order = range(len(variants)) if round % 2 == 0 else reversed(range(len(variants)))
        for i in order:
            runs[i].append(variants[i]())
    return runs


def cpu(row):
    """CPU µs per call; infinite where unknown, so that a failed run sorts last."""
    return row["cpu_us_per_call"] if row.get("cpu_us_per_call") is not None else float("inf")


def median_run(rows):
    """The run itself (not a blend of runs) whose CPU per call is the median: its latencies
    belong to it. With an even count, the upper of the two middle runs."""
    return sorted(rows, key=cpu)[len(rows) // 2]


def median_cpu(rows):
    return statistics.median(cpu(r) for r in rows)


def change_pct(value, baseline):
    """VALUE over BASELINE in percent more; None when either is unknown."""
    if value == float("inf") or baseline == float("inf") or not baseline:
        return None
    return (value / baseline - 1) * 100


def paired_change_pct(values, baselines):
    """The median over pairs of one run's change against its partner's, in percent: runs of a
    pair are minutes apart at most, while the machine drifts over a whole series, so pairs
    judge a small difference better than the two medians do. None when a run is unknown."""
    changes = [change_pct(cpu(v), cpu(b)) for v, b in zip(values, baselines)]
    if not changes or None in changes:
        return None
    return statistics.median(changes)


def runs_text(rows):
    return ", ".join("%.1f" % cpu(r) for r in rows)
