#!/usr/bin/env bash
# make test: lint, then the whole suite on PostgreSQL and on SQLite (real Redis, rq, Chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
export FLASK_APP=wsgi
start=$(date +%s)
"$BIN/pybabel" compile -d faunaschade/translations >/dev/null || exit 1
echo "== ruff"
"$BIN/ruff" check . || exit 1
"$BIN/ruff" format --check . || exit 1

status=0
summary=()
for database in postgresql sqlite; do
  echo "== pytest on $database"
  log=$(mktemp)
  TEST_DATABASE=$database "$BIN/python" -m pytest -q "$@" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  [ "$code" -eq 0 ] || status=$code
  summary+=("$database: $(grep -E '^[0-9]+ (passed|failed)|(passed|failed).* in [0-9.]+s' "$log" | tail -n 1)")
  rm -f "$log"
done
echo "== summary ($(( $(date +%s) - start )) s)"
printf '  %s\n' "${summary[@]}"
exit $status
