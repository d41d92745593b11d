#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the real MCP peers the interop tests
# talk to (Python SDK and reference servers, into .build-venv/), a forward proxy, Prometheus
# and Chromium (with apt-get), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-peers.sh
# From Debian: a real forward proxy (tinyproxy) for the proxy tests, a real Prometheus and
# promtool for the metrics tests, Chromium and its driver for the console's tests, kin-openapi's
# test documents (Petstore 3.0, a 3.1 document, recursive references) for the OpenAPI tests.
# Nothing is started here; the tests run what they need.
missing=()
command -v tinyproxy >/dev/null || [ -x /usr/sbin/tinyproxy ] || missing+=(tinyproxy)
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -d /usr/share/gocode/src/github.com/getkin/kin-openapi ] || missing+=(golang-github-getkin-kin-openapi-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null; then
        as_root=""; [ "$(id -u)" -eq 0 ] || as_root="sudo"
        # No service is started by the package where no init system runs (CI, containers).
        $as_root apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
            || { $as_root apt-get update -q >/dev/null 2>&1 && $as_root apt-get install -y -q "${missing[@]}" >/dev/null; } \
            || echo "test.sh: could not install ${missing[*]}; the tests that use them will fail" >&2
    else
        echo "test.sh: ${missing[*]} missing and apt-get is not available; the tests that use them will fail" >&2
    fi
fi
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
