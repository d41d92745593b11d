"""The peer gateways' Python environments: one venv per peer under .build-peers/, pinned, with
the tested transitive set as pip constraints (scripts/bench-peers.d/NAME.txt); a marker file
makes a second run a fast no-op."""
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .machine import ROOT
from .run import shown

CONSTRAINTS = ROOT / "scripts" / "bench-peers.d"


class InstallError(Exception):
    pass


@dataclass(frozen=True)
class Package:
    name: str            # the venv's folder and the constraints file's name
    pin: str
    imports: str         # what must import once installed
    python: str | None   # the interpreter; None: the first Python >= 3.12 found

    def venv(self, peers):
        return Path(peers, self.name)


CONTEXTFORGE = Package("contextforge", "mcp-contextforge-gateway==1.1.0", "mcpgateway, fastapi, uvicorn, sqlalchemy", None)
FASTMCP = Package("fastmcp", "fastmcp==4.1.2", "fastmcp.server", "python3")


def python_version(python):
    try:
        found = subprocess.run([python, "-c", 'import sys; print("%d.%d" % sys.version_info[:2])'],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None
    return found.stdout.strip() if found.returncode == 0 and found.stdout.strip() else None


def python_312():
    """A Python >= 3.12, 3.13 first (the one ContextForge 1.1.0 was tested with here):
    PEERS_PYTHON, then on PATH, then under ~/.pyenv/versions; None if there is none."""
    pyenv = sorted(Path.home().glob(".pyenv/versions/*/bin/python3"))
    by_version = lambda prefix: [str(p) for p in pyenv if re.fullmatch(prefix, p.parent.parent.name)]
    candidates = [os.environ.get("PEERS_PYTHON"), "python3.13", "python3.12", *by_version(r"3\.13.*"),
                  *by_version(r"3\.12.*"), "python3.14", *by_version(r"3\.1[4-9].*"), "python3"]
    for candidate in filter(None, candidates):
        version = python_version(candidate)
        if version and tuple(map(int, version.split("."))) >= (3, 12):
            return shutil.which(candidate) or candidate
    return None


def last_words(path):
    """The last exception line of a Python traceback and the two after it, else the last
    non-blank line; shortened."""
    try:
        lines = [l for l in Path(path).read_text(errors="replace").splitlines() if l.strip()]
    except FileNotFoundError:
        return ""
    if not lines:
        return ""
    raised = [i for i, l in enumerate(lines) if re.match(r"[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)([: ]|$)", l)]
    words = " | ".join(lines[raised[-1]:raised[-1] + 3]) if raised else lines[-1]
    return re.sub(" +", " ", words)[:300]


def _locked(path, seconds):
    """An exclusive lock on PATH, waited for at most SECONDS (another run may be installing)."""
    lock = open(path, "w")
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock.close()
                raise InstallError(f"timed out waiting for another install ({path})")
            time.sleep(1)


def install(package, python, peers, run_dir, log):
    """Makes PACKAGE's venv under PEERS current; InstallError says why it could not."""
    venv = package.venv(peers)
    interpreter, marker = venv / "bin" / "python", venv / ".switchboard-bench-peers"
    version = python_version(python)
    constraints = CONSTRAINTS / f"{package.name}.txt"
    want = "python=%s %s constraints=%s" % (version, package.pin, hashlib.sha256(constraints.read_bytes()).hexdigest()[:16])

    def current():
        return (marker.exists() and marker.read_text() == want
                and subprocess.run([interpreter, "-c", f"import {package.imports}"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL).returncode == 0)

    if not current():
        Path(peers).mkdir(parents=True, exist_ok=True)
        with _locked(Path(peers, f".{package.name}.lock"), 900):
            if not current():  # else another run installed it while we waited
                log(f"  {package.name}: installing {package.pin} with Python {version} into {shown(venv)}")
                _install(package, python, version, interpreter, marker, constraints, run_dir / f"install-{package.name}.log")
                marker.write_text(want)
                log(f"  {package.name}: installed")
                return
    log(f"  {package.name}: up to date ({package.pin}, Python {version}) in {shown(venv)}")


def _install(package, python, version, interpreter, marker, constraints, log_file):
    venv = interpreter.parent.parent
    with open(log_file, "w") as out:
        def step(argv, timeout=None):
            try:
                return subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode == 0
            except subprocess.TimeoutExpired:
                return False

        if interpreter.exists() and python_version(interpreter) != version:
            shutil.rmtree(venv)  # made by another Python: start over
        if not interpreter.exists() and not step([python, "-m", "venv", venv]):
            raise InstallError(f"'{python} -m venv' failed: {last_words(log_file)}")
        marker.unlink(missing_ok=True)
        if not step([interpreter, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
                     "-c", constraints, package.pin], timeout=1200):
            text = log_file.read_text(errors="replace").splitlines()
            first_error = next((l for l in text if "ERROR" in l), text[-1] if text else "")
            raise InstallError(f"pip install {package.pin} (Python {version}) failed: {first_error}")
        if not step([interpreter, "-c", f"import {package.imports}"]):
            raise InstallError(f"{package.pin} installed but 'import {package.imports}' fails: {last_words(log_file)}")


def setup(packages, peers, run_dir, log):
    """Installs or checks each package; {name: why} for those that cannot be used."""
    errors = {}
    log(f"peers (venvs under {shown(peers)}/):")
    for package in packages:
        python = package.python or python_312()
        if python is None:
            errors[package.name] = f"{package.pin} needs Python >= 3.12 and none was found (set PEERS_PYTHON)"
            log(f"  {package.name}: ERROR: {errors[package.name]}")
            continue
        try:
            install(package, python, peers, run_dir, log)
        except InstallError as error:
            errors[package.name] = str(error)
            log(f"  {package.name}: ERROR: {error} (log: {shown(run_dir / f'install-{package.name}.log')})")
    return errors
