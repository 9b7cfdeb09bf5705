#!/usr/bin/env bash
# `make bench`: every benchmark under bench/, each printing its numbers beside a baseline
# measured in the same run. The review benchmark needs Elasticsearch: it uses
# KIEMCHUNG_TEST_ES_URL or starts a node of its own. BENCH_ITEMS sets its index size.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/crawl_bench.py
.venv/bin/python bench/classify_bench.py
.venv/bin/python bench/pool_bench.py
.venv/bin/python bench/ocr_bench.py
started=""
if [ -z "${KIEMCHUNG_TEST_ES_URL:-}" ]; then
  KIEMCHUNG_TEST_ES_URL="$(python3 scripts/es_node.py start --name bench)"
  started="yes"
fi
cleanup() { [ -n "$started" ] && python3 scripts/es_node.py stop --name bench || true; }
trap cleanup EXIT
.venv/bin/python bench/review_bench.py --es-url "$KIEMCHUNG_TEST_ES_URL" --n "${BENCH_ITEMS:-100000}"
.venv/bin/python bench/login_flood_bench.py --es-url "$KIEMCHUNG_TEST_ES_URL"
