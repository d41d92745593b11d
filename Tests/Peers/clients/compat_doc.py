#!/usr/bin/env python3
"""Render docs/compatibility.md from the compatibility matrix run (one matrix.py JSON line per client mode).

  compat_doc.py --results RUN.jsonl --out .build/compatibility.md [--out docs/compatibility.md] \
      [--upstream h25=2025-11-25 ...] [--wire "N messages valid, 0 invalid (of N)"]

A results line may also be {"client": ID, "error": "..."} when the driver produced nothing.
Whether a cell cannot work comes from matrix_plan.not_applicable, not from the run, so a crashed
driver still shows the right n/a cells. `--upstream` gives the version the gateway negotiated with
each server; a row whose server is not of the era the matrix needs there (matrix_plan.SERVERS) is
a failure too, since its cells would not test what the row says. Stdout: one
`FAIL client x server feature: reason` (or `FAIL upstream server: reason`) line per failure, then
`summary: P pass, F fail, N n/a`. Exit 0 (failed cells are data), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from matrix_plan import CLIENTS, CLIENTS_BY_ID, FEATURES, SERVERS, era_mismatch, not_applicable

REPOSITORY = Path(__file__).resolve().parents[3]
MARK = {"pass": "✓", "fail": "✗", "n/a": "—"}

CHECKS = (
    ("list", "the server's tools appear in `tools/list` (every page followed)"),
    ("call", "`{server}__echo` returns its input; `clock`: `get_current_time` in UTC"),
    ("progress", "`slow` (1 s, 4 steps) with a progress token: `notifications/progress` reach the client, increasing"),
    ("elicitation", "`ask_user`: the client's elicitation callback answers 42 and the tool returns `answer: 42`"),
    ("sampling", "`summarize`: the text of the client's sampling callback comes back in the tool result"),
    (
        "cancel",
        "the client abandons a running `slow(20 s)` (2025 and earlier: `notifications/cancelled`; 2026-07-28: "
        "the request's stream is closed) and the server's `status` shows `slow_cancelled` go up within 6 s",
    ),
    (
        "list change",
        "after `add_tool` the client is told (2025 and earlier: `notifications/tools/list_changed`; 2026-07-28: "
        "an event on its `subscriptions/listen` stream), then the new tool is listed and callable",
    ),
    ("error", "calling `{server}__nope` gives an `isError` result or a JSON-RPC error, and the next call still works"),
)


def outcome(run: dict[str, Any] | None, client: str, server: str, feature: str) -> tuple[str, str]:
    reason = not_applicable(client, server, feature)
    if reason is not None:
        return "n/a", reason
    if run is None:
        return "fail", "no result: the driver did not run for this client mode"
    cell = run.get("cells", {}).get(server, {}).get(feature)
    if cell is None:
        return "fail", f"no result: {run.get('error') or 'the driver reported nothing for this cell'}"
    if cell.get("outcome") not in ("pass", "fail"):
        return "fail", f"unexpected outcome {cell.get('outcome')!r}: {cell.get('detail')}"
    return cell["outcome"], str(cell.get("detail", ""))


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPOSITORY), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "an unknown commit"
    if not head:
        return "an unknown commit"
    return f"commit `{head}`" + (" plus uncommitted changes" if dirty else "")


def one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def upstream_section(upstreams: dict[str, str], failures: list[str]) -> list[str]:
    """Which era each row really exercised: the version the gateway negotiated with that server."""
    if not upstreams:
        return []
    lines = ["## Upstream servers", "", "| server | the gateway speaks | as the matrix needs |", "|---|---|---|"]
    for server in SERVERS:
        negotiated = upstreams.get(server.name)
        problem = era_mismatch(server, negotiated)
        if problem is not None:
            failures.append(f"FAIL upstream {server.name}: {problem}")
        lines.append(f"| {server.title} | `{negotiated or 'none'}` | {'✓' if problem is None else '✗ ' + one_line(problem)} |")
    return lines + [""]


def render(
    runs: dict[str, dict[str, Any]], upstreams: dict[str, str], wire: str | None
) -> tuple[str, list[str], dict[str, int]]:
    counts = {"pass": 0, "fail": 0, "n/a": 0}
    failures: list[str] = []
    sections: list[str] = ["\n".join(upstream_section(upstreams, failures))] if upstreams else []
    mismatched = len(failures)
    for mode in CLIENTS:
        run = runs.get(mode.id)
        footnotes: dict[str, int] = {}
        rows = []
        for server in SERVERS:
            cells = []
            for feature, _ in FEATURES:
                verdict, detail = outcome(run, mode.id, server.name, feature)
                counts[verdict] += 1
                if verdict == "pass":
                    cells.append(MARK[verdict])
                    continue
                if verdict == "fail":
                    failures.append(f"FAIL {mode.id} x {server.name} {feature}: {detail}")
                number = footnotes.setdefault(one_line(detail), len(footnotes) + 1)
                cells.append(f"{MARK[verdict]} ({number})")
            rows.append(f"| {server.title} | " + " | ".join(cells) + " |")
        lines = [f"## {mode.title}", ""]
        if run is None or run.get("negotiated") is None and run.get("error"):
            why = (run or {}).get("error") or "the driver did not run"
            lines += [f"The client could not start a session: {one_line(why)}", ""]
        else:
            lines += [f"Negotiated `{run.get('negotiated')}`.", ""]
        lines += [
            "| server | " + " | ".join(title for _, title in FEATURES) + " |",
            "|---|" + "|".join(":-:" for _ in FEATURES) + "|",
            *rows,
            "",
        ]
        lines += [f"{n}. {text}" for text, n in footnotes.items()]
        sections.append("\n".join(lines).rstrip() + "\n")

    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        "# Compatibility matrix",
        "",
        "<!-- Generated: do not edit. The checks are Tests/Peers/clients/matrix.py, the table layout and the",
        "     cells that cannot work are Tests/Peers/clients/matrix_plan.py; regenerate with scripts/compat-doc. -->",
        "",
        f"Generated by `scripts/compat-doc` on {now} from {git_revision()}.",
        "",
        "The official MCP Python SDK client (`mcp` 2.3.0), in each of its modes, talks to one Switchboard gateway",
        "that federates five upstream servers of different eras and transports: the SDK's own servers",
        "(`Tests/Peers/servers/feature_server.py`) and the reference `mcp-server-time`. Every cell is one check",
        "run end to end through the gateway by `Tests/InteropTests/CompatibilityMatrixTests.swift`:",
        "",
        "| column | what passes |",
        "|---|---|",
        *[f"| {name} | {text} |" for name, text in CHECKS],
        "",
        "Legend: ✓ passed · ✗ failed (the numbered note says what went wrong) · — cannot work, because one end",
        "does not have the feature (the note says why). Tools are namespaced `{server}__{tool}`. The first table",
        "shows the version the gateway negotiated with each upstream in this run, so a row's era is measured, not assumed.",
        "",
        f"Totals: {counts['pass']} ✓, {counts['fail']} ✗, {counts['n/a']} —"
        + (f"; upstream servers not of the era the matrix needs: {mismatched}." if upstreams else "."),
    ]
    if wire:
        head += ["", f"Wire check (every message the gateway sent to these clients, against its revision's schema): {one_line(wire)}."]
    document = "\n".join(head) + "\n\n" + "\n".join(sections)
    return document, failures, counts


def load(path: Path) -> dict[str, dict[str, Any]]:
    runs: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        client = record.get("client")
        if client not in CLIENTS_BY_ID:
            raise ValueError(f"{path}:{number}: unknown client mode {client!r}")
        runs[client] = record
    return runs


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--results", required=True, type=Path)
    p.add_argument("--out", action="append", required=True, type=Path)
    p.add_argument("--upstream", action="append", default=[], metavar="SERVER=VERSION", help="the version the gateway speaks to SERVER")
    p.add_argument("--wire", help="the wire validator's summary line")
    args = p.parse_args()
    try:
        runs = load(args.results)
    except (OSError, ValueError) as e:
        print(f"cannot read the results: {e}", file=sys.stderr)
        return 2
    upstreams = dict(item.partition("=")[::2] for item in args.upstream)
    document, failures, counts = render(runs, upstreams, args.wire)
    for out in args.out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(document)
    for line in failures:
        print(line)
    print(f"summary: {counts['pass']} pass, {counts['fail']} fail, {counts['n/a']} n/a")
    return 0


if __name__ == "__main__":
    sys.exit(main())
