"""What every part of one run shares: where output goes, the binaries, the timing."""
from dataclasses import dataclass
from pathlib import Path

from . import processes


# The CPU window starts this long after the load generator's warm-up, so that session setup
# (1,000 initializes in scenario 2) never falls inside it.
CPU_INSET = 0.5
# Longest wait for anything to become ready (a port, a line, 20 servers).
READY_SECS = 30.0


class Log:
    """Progress lines: on the console, or (the smoke run, whose console shows only its summary)
    appended to a file."""

    def __init__(self, path=None):
        self.path = path

    def __call__(self, line=""):
        if self.path is None:
            print(line, flush=True)
        else:
            with open(self.path, "a") as f:
                f.write(line + "\n")


@dataclass(frozen=True)
class Run:
    dir: Path               # every process's .out and .err, configs, each load's JSON
    tool: Path              # switchboard-bench: upstream and load generator
    gateway: Path | None    # switchboard (bench-peers has none)
    nginx: Path | None      # None: not installed, no nginx rows
    warmup: float
    duration: float
    cpu_inset: float        # CPU_INSET, shorter for the smoke run
    ready_secs: float       # longest wait for anything to become ready
    log: Log

    def spawn(self, name, argv, env=None, cwd=None):
        return processes.spawn(self.dir, name, argv, env=env, cwd=cwd)


def g(seconds):
    """A number as the command line and the method text give it: 2, 0.5 (not 2.0)."""
    return f"{seconds:g}"


def commas(number):
    return format(number, ",")


def die(message):
    raise processes.Failure(message)


def shown(path):
    """PATH as a log line gives it: relative to the working directory (the repository) when
    inside it."""
    try:
        return Path(path).relative_to(Path.cwd())
    except ValueError:
        return Path(path)
