"""Child processes. Each starts in a session of its own, so one os.killpg reaches it and whatever
it started (nginx workers, uvicorn workers, stdio servers); every one is registered until it is
stopped, and whatever is still registered is stopped when the tool exits, however it exits."""
import os
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from . import procfs


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    out: Path
    err: Path

    @property
    def pid(self):
        return self.popen.pid

    def exited(self):
        """The exit status once the process has ended, else None."""
        return self.popen.poll()


def tail(path, lines):
    """The last LINES lines of a file, as a list."""
    try:
        return Path(path).read_text(errors="replace").splitlines()[-lines:]
    except FileNotFoundError:
        return []


_running = []


def spawn(directory, name, argv, env=None, cwd=None):
    """Starts ARGV with its output in DIRECTORY/NAME.out and NAME.err. The files are opened (and
    emptied) here, before the process exists, so a wait for a line can never find the output of
    an earlier process of the same name."""
    out, err = Path(directory, f"{name}.out"), Path(directory, f"{name}.err")
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        popen = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                 env=env, cwd=cwd, start_new_session=True)
    proc = Proc(name, popen, out, err)
    _running.append(proc)
    return proc


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _wait_group_gone(pgid, seconds):
    deadline = time.monotonic() + seconds
    while procfs.group(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def stop(proc, grace=5.0, leftovers=2.0):
    """SIGTERM to the process alone first (a gateway tears its stdio children down itself, nginx
    its workers), SIGKILL to its group after GRACE seconds; then SIGTERM and, after LEFTOVERS
    seconds, SIGKILL to whatever is still in its group. Every step is bounded."""
    if proc is None:
        return
    if proc.popen.poll() is None:
        proc.popen.send_signal(signal.SIGTERM)
        try:
            proc.popen.wait(grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.popen.wait()
    if procfs.group(proc.pid):
        _signal_group(proc.pid, signal.SIGTERM)
        if not _wait_group_gone(proc.pid, leftovers):
            _signal_group(proc.pid, signal.SIGKILL)
    forget(proc)


def finish(proc, limit):
    """Waits for a process that ends by itself (the load generator) for at most LIMIT seconds,
    then stops it as timeout(1) would; the exit status, 124 after a timeout."""
    try:
        status = proc.popen.wait(limit)
    except subprocess.TimeoutExpired:
        stop(proc)
        status = 124
    forget(proc)
    return status


def forget(proc):
    if proc in _running:
        _running.remove(proc)


def stop_all():
    for proc in reversed(list(_running)):
        stop(proc)


class Failure(Exception):
    """A reason to stop the whole run; printed as "PROG: message"."""


class Guard:
    """Runs a tool's body (a function of the guard returning the exit status), turning a Failure
    into "PROG: why" and exit 1, and SIGINT or SIGTERM into exit 130 or 143; whatever was
    started is stopped before it returns. A nonzero status adds where the logs are, once the
    body has set `logs`."""

    def __init__(self, prog):
        self.prog = prog
        self.logs = None

    def run(self, body):
        def leave(status):
            raise SystemExit(status)

        previous = {sig: signal.signal(sig, lambda *_, s=status: leave(s))
                    for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143))}
        status = 1
        try:
            status = body(self) or 0
        except Failure as failure:
            print(f"{self.prog}: {failure}", file=sys.stderr)
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 1
        except Exception:
            traceback.print_exc()
        finally:
            # A second Ctrl-C must not cut the clean-up short.
            for sig in previous:
                signal.signal(sig, signal.SIG_IGN)
            stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if status and self.logs:
            print(f"{self.prog}: failed; logs in {self.logs}", file=sys.stderr)
        return status
