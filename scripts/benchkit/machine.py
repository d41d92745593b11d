"""The machine and the build: binaries, versions, the run's meta.json."""
import datetime
import json
import os
import platform
import re
import resource
import subprocess
from pathlib import Path

from . import nginx
from .run import die

ROOT = Path(__file__).resolve().parents[2]


def raise_fd_limit():
    """To the hard limit: 10,000 sessions and nginx's 16,384 connections need more than the
    usual soft 1,024, and the children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass


def swift_build(args, log_file, cwd=ROOT):
    """swift build ARGS with its output in LOG_FILE; bounded, since a wedged build would hold
    the machine."""
    with open(log_file, "w") as log:
        try:
            status = subprocess.run(["swift", "build", *args], cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                    timeout=3600).returncode
        except subprocess.TimeoutExpired:
            status = 124
    if status != 0:
        die(f"release build failed (see {log_file})")


def binary(path, hint):
    """PATH resolved, once it is known to be an executable file."""
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        die(f"{path} is missing; {hint}")
    return Path(path).resolve()


def check_load_generator(tool):
    """The load generator answers load --help and knows --header (scenario 9, the peers)."""
    help_text = subprocess.run([str(tool), "load", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True).stdout
    if "--header" not in help_text:
        die(f"{tool} has no working load command with --header (load --help)")


def git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def commit():
    """This tree's commit, short, and whether it differs from it."""
    head = git("rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        return "unknown"
    dirty = git("diff", "--quiet", "HEAD").returncode != 0
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(": ", 1)[1]
    return platform.processor() or "unknown"


def swift_version():
    try:
        text = subprocess.run(["swift", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    except FileNotFoundError:
        return "unknown"
    found = re.search(r"Swift version [^ \n]*", text)
    return found.group() if found else "unknown"


def describe(nginx_binary, method):
    """The machine, the versions and the method, as meta.json holds them."""
    return {"nproc": str(len(os.sched_getaffinity(0))), "cpu": cpu_model(), "kernel": f"{os.uname().sysname} {os.uname().release}",
            "swift": swift_version(), "nginx": nginx.version(nginx_binary), "commit": commit(), "method": method,
            "date": datetime.date.today().isoformat()}


def write_meta(path, meta, log):
    path.write_text(json.dumps(meta, indent=1))
    log(f"machine:  {meta['nproc']} cores, {meta['cpu']}, {meta['kernel']}")
    log(f"versions: {meta['swift']}, nginx {meta['nginx']}, switchboard {meta['commit']}")
    log(f"method:   {meta['method']}")
    log("")
