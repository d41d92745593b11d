"""Free TCP ports for servers that cannot pick their own and report it."""
import random
import socket

from .processes import Failure

# Below Linux's ephemeral range (32768-60999): a port found free there can be taken by an
# outgoing connection (the load generator opens hundreds) before the server binds it.
PORTS = range(18500, 19000)


def free_port():
    """A port on 127.0.0.1 in PORTS that nothing is bound to, chosen at random so that runs on
    the same machine seldom race for one."""
    candidates = list(PORTS)
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise Failure(f"no free port in {PORTS.start}-{PORTS.stop - 1}")
