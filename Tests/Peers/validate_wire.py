#!/usr/bin/env python3
"""Validate the gateway's downstream wire log against the MCP JSON Schemas.

The gateway, run with SWITCHBOARD_WIRE_LOG=/path/file.jsonl, appends one line per JSON-RPC message
it SENDS to a downstream client:

  {"revision": "2025-11-25", "kind": "request|notification|response|error",
   "method": "tools/list", "message": {...the exact message...}}

(for responses `method` is the method of the request being answered; for errors it may be null).

Each message is validated against the revision's envelope definition AND the most specific
definition found in that revision's schema.json:
  request       JSONRPCRequest            + the request definition whose method const matches
                                            (CreateMessageRequest, ElicitRequest, ...), which must
                                            belong to ServerRequest (a server sends it)
  notification  JSONRPCNotification       + e.g. ProgressNotification, ToolListChangedNotification,
                                            which must belong to ServerNotification
  response      JSONRPCResponse (<=06-18) / JSONRPCResultResponse (>=11-25)
                                          + `result` against the answered method's result
                                            (ListToolsResult, InitializeResult, EmptyResult for ping ...;
                                            InputRequiredResult / CreateTaskResult when the result says so)
  error         JSONRPCError (<=06-18) / JSONRPCErrorResponse (>=11-25)
                                          + `error` against the code's own definition when the
                                            revision has one (2026-07-28: InvalidParamsError ...)
Unknown methods are validated against the envelope only, and the output says so.
Definitions come from the schema itself (method consts), not from a table here; the JSON Schema
dialect comes from each file's `$schema` (draft-07 up to 2025-06-18, 2020-12 after).

Usage: validate_wire.py [--schema-dir DIR] [--check-formats] [--quiet] [--self-check] WIRE.jsonl [...]
Exit 0 when every line is valid, 1 when any is not (each listed with its error), 2 on bad input.
--self-check runs the validator's own test: Tests/Peers/samples/wire-sample.jsonl marks each line
"_expect": "valid"|"invalid", and the exit status says whether every verdict matched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.validators import validator_for

DEFAULT_SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "spec" / "schema"
KINDS = ("request", "notification", "response", "error")


class Revision:
    """One revision's schema.json: definitions, dialect, and the method -> definition maps."""

    def __init__(self, name: str, path: Path, check_formats: bool) -> None:
        self.name = name
        self.root: dict[str, Any] = json.loads(path.read_text())
        self.defs_key = "$defs" if "$defs" in self.root else "definitions"
        self.defs: dict[str, Any] = self.root[self.defs_key]
        self.validator_class = validator_for(self.root)
        self.format_checker = self.validator_class.FORMAT_CHECKER if check_formats else None
        self._validators: dict[str, Any] = {}
        self.requests = self._by_method("Request")
        self.notifications = self._by_method("Notification")
        self.server_requests = self._union_members("ServerRequest")
        self.server_notifications = self._union_members("ServerNotification")
        self.client_requests = self._union_members("ClientRequest")
        self.error_codes = self._error_codes()

    def envelope(self, kind: str) -> str:
        names = {
            "request": ["JSONRPCRequest"],
            "notification": ["JSONRPCNotification"],
            "response": ["JSONRPCResultResponse", "JSONRPCResponse"],
            "error": ["JSONRPCErrorResponse", "JSONRPCError"],
        }[kind]
        return next(n for n in names if n in self.defs)

    def _by_method(self, suffix: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, definition in self.defs.items():
            if not name.endswith(suffix) or name.startswith("JSONRPC"):
                continue
            const = definition.get("properties", {}).get("method", {}).get("const")
            if isinstance(const, str):
                found[const] = name
        return found

    def _union_members(self, name: str) -> set[str]:
        union = self.defs.get(name)
        if union is None:
            return set()
        return {ref["$ref"].rsplit("/", 1)[-1] for ref in union.get("anyOf", union.get("oneOf", [])) if "$ref" in ref}

    def _error_codes(self) -> dict[int, tuple[str, str]]:
        """Error code -> (definition, "error" | "message"): 2026-07-28 defines some codes' error
        objects (InvalidParamsError) and some whole error responses (UnsupportedProtocolVersionError)."""
        codes: dict[int, tuple[str, str]] = {}
        for name, definition in self.defs.items():
            if not name.endswith("Error") or name.startswith("JSONRPC"):
                continue
            properties = definition.get("properties", {})
            code = properties.get("code", {}).get("const")
            if isinstance(code, int):
                codes[code] = (name, "error")
                continue
            error = properties.get("error", {})
            for part in [error, *error.get("allOf", [])]:
                code = part.get("properties", {}).get("code", {}).get("const")
                if isinstance(code, int):
                    codes[code] = (name, "message")
        return codes

    def result_definitions(self, method: str, result: Any) -> list[str]:
        """The result definition(s) for a response to `method`; [] when the method is unknown."""
        request = self.requests.get(method)
        if request is None:
            return []
        if isinstance(result, dict):
            if result.get("resultType") == "input_required" and "InputRequiredResult" in self.defs:
                return ["InputRequiredResult"]
            if "task" in result and "CreateTaskResult" in self.defs and method == "tools/call":
                return ["CreateTaskResult"]
            if result.get("resultType") == "task" and "Result" in self.defs:
                # The tasks extension (io.modelcontextprotocol/tasks) is not in the core schema:
                # checked as a core Result plus the extension's own required fields.
                return ["Result", TASK_EXTENSION_RESULT]
        own = request[: -len("Request")] + "Result"
        return [own if own in self.defs else "EmptyResult"]

    def errors(self, definition: str, instance: Any) -> list[str]:
        validator = self._validators.get(definition)
        if validator is None and definition == TASK_EXTENSION_RESULT:
            validator = self.validator_class(TASK_EXTENSION_SCHEMA)
            self._validators[definition] = validator
        if validator is None:
            schema = {
                "$schema": self.root.get("$schema"),
                self.defs_key: self.defs,
                "$ref": f"#/{self.defs_key}/{definition}",
            }
            validator = self.validator_class(schema, format_checker=self.format_checker)
            self._validators[definition] = validator
        found = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [describe(definition, e) for e in found]


# The 2026-07-28 tasks extension's CreateTaskResult, from the spec repository's
# docs/extensions/tasks/overview.mdx (the extension has no JSON schema in the core one).
TASK_EXTENSION_RESULT = "TasksExtension.CreateTaskResult"
TASK_EXTENSION_SCHEMA = {
    "type": "object",
    "required": ["resultType", "taskId", "status"],
    "properties": {
        "resultType": {"const": "task"},
        "taskId": {"type": "string", "minLength": 1},
        "status": {"enum": ["working", "input_required", "completed", "failed", "cancelled"]},
        "ttlMs": {"type": "integer", "minimum": 0},
        "pollIntervalMs": {"type": "integer", "minimum": 0},
    },
}


def describe(definition: str, error: jsonschema.ValidationError) -> str:
    """One line per violation; for anyOf/oneOf failures name the deepest (most relevant) cause."""
    best = jsonschema.exceptions.best_match([error])
    where = "/".join(str(p) for p in best.absolute_path) or "(root)"
    return f"{definition} at {where}: {best.message[:300]}"


def check_line(revisions: dict[str, Revision], entry: Any) -> tuple[list[str], list[str]]:
    """Return (errors, notes) for one log entry."""
    if not isinstance(entry, dict):
        return ["line is not a JSON object"], []
    revision_name, kind, method, message = (entry.get(k) for k in ("revision", "kind", "method", "message"))
    if revision_name not in revisions:
        return [f"unknown revision {revision_name!r} (have {sorted(revisions)})"], []
    if kind not in KINDS:
        return [f"unknown kind {kind!r}"], []
    rev = revisions[revision_name]
    if isinstance(message, list):
        return check_batch(rev, kind, message)
    if not isinstance(message, dict):
        return ["`message` is not a JSON object"], []
    errors = rev.errors(rev.envelope(kind), message)
    notes: list[str] = []
    if kind in ("request", "notification"):
        more, notes = check_outbound(rev, kind, method, message)
        errors += more
    elif kind == "response":
        if "error" in message:
            errors.append("kind is response but the message carries `error`")
        definitions = rev.result_definitions(method, message.get("result")) if isinstance(method, str) else []
        if not definitions:
            notes.append(f"response to unknown method {method!r}: envelope only")
        elif rev.client_requests and rev.requests[method] not in rev.client_requests:
            errors.append(f"{method!r} is not a client request in {rev.name}, yet a response to it was sent downstream")
        for definition in definitions:
            errors += rev.errors(definition, message.get("result"))
    else:
        code = message.get("error", {}).get("code") if isinstance(message.get("error"), dict) else None
        specific = rev.error_codes.get(code) if isinstance(code, int) else None
        if specific is not None:
            definition, scope = specific
            errors += rev.errors(definition, message["error"] if scope == "error" else message)
    return errors, notes


def check_outbound(rev: Revision, kind: str, method: Any, message: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Requests and notifications: the specific definition, and that a server may send it."""
    errors: list[str] = []
    actual = message.get("method")
    if method is not None and actual != method:
        errors.append(f"logged method {method!r} differs from the message's method {actual!r}")
    table, allowed, union = (
        (rev.requests, rev.server_requests, "ServerRequest")
        if kind == "request"
        else (rev.notifications, rev.server_notifications, "ServerNotification")
    )
    definition = table.get(actual) if isinstance(actual, str) else None
    if definition is None:
        return errors, [f"{kind} {actual!r} is not defined in {rev.name}: envelope only"]
    if definition not in allowed:
        errors.append(f"{definition} ({actual}) is not a {union} in {rev.name}: a server must not send it")
    errors += rev.errors(definition, message)
    return errors, []


def check_batch(rev: Revision, kind: str, batch: list[Any]) -> tuple[list[str], list[str]]:
    name = "JSONRPCBatchRequest" if kind in ("request", "notification") else "JSONRPCBatchResponse"
    if name not in rev.defs:
        return [f"a JSON-RPC batch was sent, but {rev.name} has no batches"], []
    return rev.errors(name, batch), ["batch: envelope only"]


def load_revisions(schema_dir: Path, check_formats: bool) -> dict[str, Revision]:
    revisions = {
        path.parent.name: Revision(path.parent.name, path, check_formats)
        for path in sorted(schema_dir.glob("*/schema.json"))
    }
    if not revisions:
        raise SystemExit(f"no */schema.json under {schema_dir}")
    return revisions


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", type=Path, help="wire log(s), one JSON object per line")
    p.add_argument("--schema-dir", type=Path, default=DEFAULT_SCHEMA_DIR, help=f"default {DEFAULT_SCHEMA_DIR}")
    p.add_argument("--check-formats", action="store_true", help="also check `format` (uri, byte, ...)")
    p.add_argument("--quiet", action="store_true", help="do not print envelope-only notes")
    p.add_argument(
        "--self-check",
        action="store_true",
        help='each line carries "_expect": "valid"|"invalid"; exit 0 iff every verdict matches it',
    )
    args = p.parse_args(argv)
    try:
        revisions = load_revisions(args.schema_dir, args.check_formats)
    except (OSError, ValueError) as e:
        print(f"cannot load schemas from {args.schema_dir}: {e}", file=sys.stderr)
        return 2
    total = invalid = mismatched = 0
    for path in args.files:
        try:
            lines = path.read_text().splitlines()
        except OSError as e:
            print(f"cannot read {path}: {e}", file=sys.stderr)
            return 2
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            total += 1
            entry: Any = None
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as e:
                errors, notes = [f"not JSON: {e}"], []
            else:
                errors, notes = check_line(revisions, entry)
            label = f"{path}:{number}"
            if isinstance(entry, dict):
                label += f" [{entry.get('revision')} {entry.get('kind')} {entry.get('method')}]"
            for error in errors:
                print(f"INVALID {label}: {error}")
            if not args.quiet:
                for note in notes:
                    print(f"NOTE {label}: {note}")
            invalid += bool(errors)
            if args.self_check:
                expected = entry.get("_expect") if isinstance(entry, dict) else None
                verdict = "invalid" if errors else "valid"
                if verdict != expected:
                    mismatched += 1
                    print(f"SELF-CHECK MISMATCH {label}: expected {expected}, got {verdict}")
    print(f"{total - invalid} messages valid, {invalid} invalid (of {total})")
    if args.self_check:
        print(f"selfcheck: {total - mismatched} passed, {mismatched} failed")
        return 1 if mismatched else 0
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
