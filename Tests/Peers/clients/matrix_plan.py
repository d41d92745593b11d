"""What the compatibility matrix covers: client modes, upstream servers, features, and the cells
that cannot work (with why). Shared by the driver (matrix.py) and the doc generator (compat_doc.py).

The upstream names are the gateway prefixes the Swift test (CompatibilityMatrixTests) configures;
keep the two lists in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientMode:
    id: str
    revision: str
    """The protocol revision this mode speaks (and must negotiate)."""
    transport: str
    """"modern" (Client mode="2026-07-28"), "streamable" (mode="legacy"), "sse" (sse_client)."""
    title: str


@dataclass(frozen=True)
class Upstream:
    name: str
    kind: str
    """"feature" (Tests/Peers/servers/feature_server.py) or "time" (mcp-server-time)."""
    era: str | None
    """What the gateway must find there: "legacy" (initialize), "modern" (2026-07-28), None (either)."""
    title: str


FEATURES: tuple[tuple[str, str], ...] = (
    ("list", "list"),
    ("call", "call"),
    ("progress", "progress"),
    ("elicitation", "elicitation"),
    ("sampling", "sampling"),
    ("cancel", "cancel"),
    ("list_change", "list change"),
    ("error", "error"),
)
FEATURE_IDS = tuple(f for f, _ in FEATURES)

CLIENTS: tuple[ClientMode, ...] = (
    ClientMode("2026-07-28", "2026-07-28", "modern", '2026-07-28 — `Client(url, mode="2026-07-28")`, stateless Streamable HTTP'),
    ClientMode("2025-11-25", "2025-11-25", "streamable", '2025-11-25 — `Client(url, mode="legacy")`, Streamable HTTP'),
    ClientMode("2025-06-18", "2025-06-18", "streamable", '2025-06-18 — `Client(url, mode="legacy")`, Streamable HTTP'),
    ClientMode("2025-03-26", "2025-03-26", "streamable", '2025-03-26 — `Client(url, mode="legacy")`, Streamable HTTP'),
    ClientMode("2024-11-05-sse", "2024-11-05", "sse", "2024-11-05 — `sse_client(url)` on `GET /sse`, HTTP+SSE"),
)
CLIENTS_BY_ID = {c.id: c for c in CLIENTS}

SERVERS: tuple[Upstream, ...] = (
    Upstream("h25", "feature", "legacy", "`h25` SDK server, Streamable HTTP, stateful, legacy"),
    Upstream("h26", "feature", "modern", "`h26` SDK server, Streamable HTTP, stateless, 2026-07-28"),
    Upstream("sse", "feature", "legacy", "`sse` SDK server, HTTP+SSE, legacy"),
    Upstream("io", "feature", "legacy", "`io` SDK server, stdio, legacy"),
    Upstream("clock", "time", None, "`clock` mcp-server-time, stdio, both eras"),
)
MODERN = "2026-07-28"


def era_mismatch(server: Upstream, negotiated: str | None) -> str | None:
    """Why the row does not test what its label says, from the version the gateway speaks upstream."""
    if server.era is None:
        return None
    if negotiated is None or negotiated == "none":
        return "the gateway had no session with it"
    if (negotiated == MODERN) != (server.era == "modern"):
        return f"the matrix needs a {server.era} server here, but the gateway speaks {negotiated} to it"
    return None

SERVERS_BY_NAME = {s.name: s for s in SERVERS}


@dataclass(frozen=True)
class NotApplicable:
    """Cells that cannot work because one END lacks the feature. Never list here what a bridging
    gateway must make work (2026 client x legacy server elicitation, 2025-06-18 client x 2026
    server elicitation, ...): those are the gateway's job and must show up as failures."""

    clients: frozenset[str] | None  # None = every client mode
    servers: frozenset[str] | None  # None = every server
    features: frozenset[str]
    reason: str


ELICITATION_ADDED = (
    "elicitation was added in revision 2025-06-18 (its changelog; the {rev} schema has no ElicitRequest "
    "and no elicitation client capability), so a {rev} client cannot be asked"
)
TIME_SERVER = (
    "mcp-server-time has only get_current_time and convert_time, which answer at once: it sends no progress, "
    "never asks for elicitation or sampling, has no long call to cancel, and its tool list never changes"
)

NOT_APPLICABLE: tuple[NotApplicable, ...] = (
    NotApplicable(frozenset({"2025-03-26"}), None, frozenset({"elicitation"}), ELICITATION_ADDED.format(rev="2025-03-26")),
    NotApplicable(
        frozenset({"2024-11-05-sse"}), None, frozenset({"elicitation"}), ELICITATION_ADDED.format(rev="2024-11-05")
    ),
    NotApplicable(
        None, frozenset({"clock"}), frozenset({"progress", "elicitation", "sampling", "cancel", "list_change"}), TIME_SERVER
    ),
)


def not_applicable(client: str, server: str, feature: str) -> str | None:
    """Why this cell cannot work, or None when it must work through the gateway."""
    for rule in NOT_APPLICABLE:
        if (
            (rule.clients is None or client in rule.clients)
            and (rule.servers is None or server in rule.servers)
            and feature in rule.features
        ):
            return rule.reason
    return None
