"""One run of the load generator (switchboard-bench load) against a stack, with the CPU time of
the stack's box taken over the measured window."""
import json
import re
import shutil
import time
from dataclasses import dataclass

from . import processes, procfs
from .run import g


@dataclass
class Sample:
    status: int              # the load generator's exit status
    load: dict | None        # its JSON line; None if it printed none
    ticks: int               # CPU clock ticks of the box over the window
    window: float            # seconds
    clock_ticks: int         # per second
    peak_rss_kb: int         # VmHWM of the box (summed over its tree for a whole-tree box)
    main_peak_rss_kb: int    # VmHWM of the box's main process
    processes: int           # processes measured


def load_file_name(scenario, target):
    """load-SCENARIO-TARGET.json with every byte but letters and digits as "_" (and a trailing
    one), the names the earlier shell version gave these files."""
    return "load-%s.json" % re.sub(rb"[^A-Za-z0-9]", b"_", f"{scenario}-{target}\n".encode()).decode()


def run_load(run, stack, scenario, target, args):
    """Runs the load generator with ARGS against STACK. The CPU window opens CPU_INSET after the
    warm-up and closes where the load generator's own window does; both ends are timed from
    the start, so the time spent reading /proc does not move them."""
    argv = [run.tool, "load", "--url", stack.url, "--warmup", g(run.warmup), "--duration", g(run.duration), "--json"]
    for header in stack.headers:
        argv += ["--header", header]
    proc = run.spawn("load", argv + list(args))
    started = time.monotonic()
    time.sleep(max(0.0, started + run.warmup + run.cpu_inset - time.monotonic()))
    c0, t0 = procfs.cpu_ticks(stack.box_pids()), time.monotonic()
    time.sleep(max(0.0, started + run.warmup + run.duration - time.monotonic()))
    c1, t1 = procfs.cpu_ticks(stack.box_pids()), time.monotonic()
    status = processes.finish(proc, run.warmup + run.duration + 60)
    pids = stack.box_pids()
    lines = [l for l in proc.out.read_text(errors="replace").splitlines() if l.strip().startswith("{")]
    if status == 0:
        shutil.copyfile(proc.out, run.dir / load_file_name(scenario, target))
    return Sample(status=status, load=json.loads(lines[-1]) if lines else None, ticks=c1 - c0, window=t1 - t0,
                  clock_ticks=procfs.CLOCK_TICKS, peak_rss_kb=sum(procfs.status_kb(p, "VmHWM") for p in pids),
                  main_peak_rss_kb=procfs.status_kb(stack.box, "VmHWM"), processes=len(pids))
