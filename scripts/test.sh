#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the real MCP peers the interop tests
# talk to (Python SDK and reference servers, into .build-venv/), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-peers.sh
swift build --build-tests
mkdir -p .build
status=0
swift test --skip-build "$@" 2>&1 | tee .build/test-output.txt || status=$?
# The benchmark harness, for seconds on debug builds, so it does not rot (the full run is
# scripts/bench, kept out of CI).
if [ "$#" -eq 0 ]; then scripts/bench --smoke || status=$?; fi

# One plain closing line for CI, from Swift Testing's own summary.
total=$(grep -Eo 'Test run with [0-9]+ tests?' .build/test-output.txt | tail -1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Ec '^✘ Test .* failed after' .build/test-output.txt || true)
echo "$((total - failed)) passed, ${failed} failed"
exit "$status"
