#!/usr/bin/env bash
# make test: lint, then the whole suite on PostgreSQL and on SQLite (real Redis, rq, Chromium).
# The two passes run side by side. The PostgreSQL pass, which waits most (the server, rq's
# heartbeat grace, processes starting), spreads its files over 2 pytest-xdist workers; the SQLite
# pass runs in one process (measured on 2 cores: 253 s, against 264 s with 2 + 2 workers and
# 305 s with 3 + 3). TEST_WORKERS_POSTGRESQL / TEST_WORKERS_SQLITE (or TEST_WORKERS for both)
# change that; 0 is one process. Every worker has its own database and its own redis-server
# (tests/plugins/services.py); the longest files start first (tests/plugins/scheduling.py).
# TEST_PASSES=serial runs the passes one after the other.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
export FLASK_APP=wsgi
start=$(date +%s)
"$BIN/pybabel" compile -d faunaschade/translations >/dev/null || exit 1
echo "== ruff"
"$BIN/ruff" check . || exit 1
"$BIN/ruff" format --check . || exit 1
echo "== import contracts"
"$BIN/lint-imports" | sed -n '/^Contracts/,$p' || exit 1

databases=(postgresql sqlite)
declare -A workers=([postgresql]="${TEST_WORKERS_POSTGRESQL:-${TEST_WORKERS:-2}}" [sqlite]="${TEST_WORKERS_SQLITE:-${TEST_WORKERS:-0}}")
declare -A logs pids codes
for database in "${databases[@]}"; do
  logs[$database]=$(mktemp)
  xdist=(-n "${workers[$database]}")
  [ "${workers[$database]}" = 0 ] || xdist+=(--dist loadfile --no-loadscope-reorder)
  TEST_DATABASE=$database "$BIN/python" -m pytest -q --durations=5 "${xdist[@]}" "$@" >"${logs[$database]}" 2>&1 &
  pids[$database]=$!
  if [ "${TEST_PASSES:-parallel}" = serial ]; then
    wait "${pids[$database]}"
    codes[$database]=$?
  fi
done

status=0
summary=()
for database in "${databases[@]}"; do
  if [ -z "${codes[$database]:-}" ]; then
    wait "${pids[$database]}"
    codes[$database]=$?
  fi
  [ "${codes[$database]}" -eq 0 ] || status=${codes[$database]}
  echo "== pytest on $database"
  cat "${logs[$database]}"
  summary+=("$database: $(grep -E '^[0-9]+ (passed|failed)|(passed|failed).* in [0-9.]+s' "${logs[$database]}" | tail -n 1)")
  rm -f "${logs[$database]}"
done
echo "== summary ($(( $(date +%s) - start )) s)"
printf '  %s\n' "${summary[@]}"
exit $status
