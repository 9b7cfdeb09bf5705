#!/usr/bin/env bash
# The whole test suite (`make test`): starts a real Elasticsearch node unless
# KIEMCHUNG_TEST_ES_URL names one, runs pytest, and stops the node whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh || echo "test: some system packages are missing; tests that need them will say so" >&2
if [ -f tests/e2e/package.json ] && [ ! -d tests/e2e/node_modules ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
started=""
if [ -z "${KIEMCHUNG_TEST_ES_URL:-}" ]; then
  # Stop the node afterwards only if this run started it: a node another test run on this
  # machine is using is reused and left running.
  if ! python3 scripts/es_node.py status --name test >/dev/null; then
    started="yes"
  fi
  KIEMCHUNG_TEST_ES_URL="$(python3 scripts/es_node.py start --name test)"
  export KIEMCHUNG_TEST_ES_URL
fi
cleanup() { [ -n "$started" ] && python3 scripts/es_node.py stop --name test || true; }
trap cleanup EXIT
echo "test: Elasticsearch node at $KIEMCHUNG_TEST_ES_URL" >&2
.venv/bin/python -m pytest "$@"
