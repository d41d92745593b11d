#!/usr/bin/env bash
# Create/refresh the Python venv holding the real MCP peers used by the interop tests:
# the official MCP Python SDK (client + our test servers), mcp-server-time, jsonschema, and
# opentelemetry-proto (the OTLP receiver's decoder), openapi-spec-validator (the admin API's
# description checked), selenium (drives Debian's chromium through the web console), openai
# (its types check the OpenAI front door), a2a-sdk (the official A2A client, 1.0 and 0.3).
#
#   scripts/setup-peers.sh            # venv at <repo>/.build-venv (override: SWITCHBOARD_PEERS_VENV=DIR)
#
# Idempotent: the pins are recorded in .build-venv/.switchboard-peers; when they match and the
# packages import, the run is a fast no-op. Needs python3 (3.11) with venv and PyPI; nothing else.
# Prints one line on success; on failure prints pip's log and exits non-zero.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SWITCHBOARD_PEERS_VENV:-$ROOT/.build-venv}"
PYTHON="${PYTHON:-python3}"
MARKER="$VENV/.switchboard-peers"

# Top-level pins, then the exact transitive set that was tested with them (pip constraints).
REQUIREMENTS="mcp==2.3.0 mcp-server-time==2026.10.19 jsonschema==4.26.0 opentelemetry-proto==1.45.2 openapi-spec-validator==0.9.0 selenium==4.50.0 openai==3.63.0 a2a-sdk==1.3.0"
CONSTRAINTS="PyJWT==2.15.1
PySocks==1.7.1
PyYAML==6.0.4
aiologic==0.17.1
annotated-types==0.8.0
anyio==4.16.0
attrs==26.1.0
certifi==2026.10.19.post1
cffi==2.1.1
charset-normalizer==3.5.3
click==8.5.1
cryptography==50.0.2
culsans==0.11.0
google-api-core==2.44.0
google-auth==2.63.1
googleapis-common-protos==1.76.0
h11==0.16.0
httpcore2==2.16.2
httpcore==1.0.9
httpx2==2.16.2
httpx==0.29.0
idna==3.20
jiter==0.19.0
json-rpc==1.15.0
jsonschema-path==0.5.0
jsonschema-specifications==2025.9.1
lazy-object-proxy==1.13.0
mcp-types==2.3.0
openapi-schema-validator==0.9.0
opentelemetry-api==1.45.2
outcome==1.3.0.post0
packaging==26.4
pathable==0.6.0
proto-plus==1.29.0
protobuf==7.36.2
pyasn1==0.6.5
pyasn1_modules==0.4.2
pycparser==3.12
pydantic-settings==2.16.3
pydantic==2.14.3
pydantic_core==2.50.4
python-dotenv==1.2.4
python-multipart==0.0.34
referencing==0.37.0
requests==2.34.2
rfc3339-validator==0.1.4
rpds-py==2026.9.1
six==1.17.0
sniffio==1.3.1
sortedcontainers==2.4.0
sse-starlette==3.7.0
starlette==1.10.0
trio-websocket==0.12.2
trio==0.35.0
truststore==0.10.5
typing-inspection==0.4.5
typing_extensions==4.16.0
tzdata==2026.6
tzlocal==5.4.5
urllib3==2.8.0
uvicorn==0.54.0
websocket-client==1.9.2
wrapt==2.5.2
wsproto==1.3.2"

die() { echo "setup-peers: ERROR: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
PYVER="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
WANT="python=$PYVER $REQUIREMENTS $(printf '%s' "$CONSTRAINTS" | tr '\n' ' ')"

imports_ok() {
    "$VENV/bin/python" -c 'import mcp, mcp.server.mcpserver, jsonschema, mcp_server_time, opentelemetry.proto.collector.logs.v1.logs_service_pb2, openapi_spec_validator, selenium, openai, a2a.client, a2a.compat.v0_3.jsonrpc_transport' >/dev/null 2>&1 \
        && [ -x "$VENV/bin/mcp-server-time" ]
}

up_to_date() { [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ] && imports_ok; }

if up_to_date; then
    echo "setup-peers: up to date ($REQUIREMENTS) in $VENV"
    exit 0
fi

# Serialize concurrent runs (parallel test processes) on one lock per venv path.
LOCK="${TMPDIR:-/tmp}/switchboard-peers-$(printf '%s' "$VENV" | cksum | cut -d' ' -f1).lock"
exec 9>"$LOCK"
flock -w 900 9 || die "timed out waiting for another setup-peers run (lock $LOCK)"
if up_to_date; then  # another run finished while we waited
    echo "setup-peers: up to date ($REQUIREMENTS) in $VENV"
    exit 0
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/setup-peers.XXXXXX.log")"
trap 'rm -f "$LOG" "$LOG.constraints"' EXIT
fail() { echo "setup-peers: ERROR: $1 (log follows)" >&2; cat "$LOG" >&2; exit 1; }

if [ -x "$VENV/bin/python" ] && [ "$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$PYVER" ]; then
    rm -rf "$VENV"  # built by another Python: start over
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" >"$LOG" 2>&1 \
        || fail "'$PYTHON -m venv $VENV' failed (on Debian: apt-get install -y python3-venv)"
fi
rm -f "$MARKER"
printf '%s\n' "$CONSTRAINTS" >"$LOG.constraints"
# shellcheck disable=SC2086  # word-splitting REQUIREMENTS is intended
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -c "$LOG.constraints" $REQUIREMENTS >>"$LOG" 2>&1 \
    || fail "pip install $REQUIREMENTS failed"
imports_ok || fail "installed, but the packages do not import"
printf '%s' "$WANT" >"$MARKER"
echo "setup-peers: installed $REQUIREMENTS in $VENV"
