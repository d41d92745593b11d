"""Waiting for a server to come up, always bounded, and always giving up early when the process
it waits for has exited."""
import http.client
import re
import time
import urllib.parse

from .processes import Failure


class NotReady(Failure):
    """A process exited (STATUS is its exit status) or stayed silent (STATUS None) while
    waited for."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status

    def because(self, what, seconds):
        """Why, in the words of a row's note."""
        if self.status is None:
            return f"did not answer {what} within {seconds:g}s"
        return f"exited with status {self.status} before answering {what}"


def until(proc, seconds, poll, check, exited, silent):
    """CHECK() every POLL seconds until it returns something true, which is returned; NotReady
    with the message EXITED once PROC has ended, or SILENT (or what it returns, if a function)
    after SECONDS."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        status = proc.exited()
        if status is not None:
            raise NotReady(exited, status)
        if time.monotonic() > deadline:
            raise NotReady(silent() if callable(silent) else silent, None)
        time.sleep(poll)


def line(proc, path, pattern, seconds):
    """The first line of PATH (one of PROC's outputs) that matches PATTERN."""
    regex = re.compile(pattern)

    def check():
        try:
            with open(path, errors="replace") as f:
                return next((l.rstrip("\n") for l in f if regex.search(l)), None)
        except FileNotFoundError:
            return None

    return until(proc, seconds, 0.05, check, f"process {proc.pid} exited before printing /{pattern}/ (see {path})",
                 f"no /{pattern}/ in {path} after {seconds:g}s")


def get(url, timeout):
    """The body of a GET to URL, whatever its status; None if nothing answers."""
    u = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        connection.request("GET", u.path or "/")
        return connection.getresponse().read().decode(errors="replace")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def serving(proc, url, seconds, poll=0.05, timeout=1.0):
    """Until anything answers HTTP at URL."""
    until(proc, seconds, poll, lambda: get(url, timeout) is not None,
          f"process {proc.pid} exited before answering at {url}", f"nothing answers at {url} after {seconds:g}s")
