"""What /proc says about our children: alive or not, process group members, CPU ticks, memory."""
import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """The fields after the command name of /proc/PID/stat (the name may hold spaces and
    parentheses, so split after its last ")"); None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def alive(pid):
    """Running, not a zombie: PID 1 here does not reap the orphans our children leave, so an
    exited process can stay in /proc indefinitely."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _all():
    """(pid, ppid, pgrp) of every live process."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat(entry.name)
            if fields is not None and fields[0] != "Z":
                yield int(entry.name), int(fields[1]), int(fields[2])


def group(pgid):
    """The live members of a process group, the leader first if it is alive."""
    return sorted((pid for pid, _, pgrp in _all() if pgrp == pgid), key=lambda pid: pid != pgid)


def tree(pid):
    """PID, its descendants and the rest of its process group: a peer's workers and sandboxes,
    whether they stayed in its group or started their own."""
    processes = list(_all())
    found, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid, _ in processes if ppid == parent and child not in found]
        found.update(children)
        frontier += children
    found.update(p for p, _, pgrp in processes if pgrp == pid)
    return sorted(found, key=lambda p: p != pid)


def cpu_ticks(pids):
    """utime + stime (fields 14 and 15 of stat) summed over the processes still alive."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total


def status_kb(pid, key):
    """A kB figure of /proc/PID/status (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name == key:
                return int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0
