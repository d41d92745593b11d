#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the real MCP peers the interop tests
# talk to (Python SDK and reference servers, into .build-venv/), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-peers.sh
swift build --build-tests
# The interop suites spawn real processes; keep the parallelism within what 2 cores bear.
swift test --skip-build "$@" 2>&1 | tee .build/test-output.txt
