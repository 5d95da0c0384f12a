#!/usr/bin/env bash
# make run: migrate, seed demo users, serve. SQLite and in-process jobs unless
# DATABASE_URL / REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
export FLASK_APP=wsgi
mkdir -p instance
"$BIN/pybabel" compile -d faunaschade/translations >/dev/null
"$BIN/flask" db upgrade
# Letters are signed: without LETTER_SIGNING_CERT/KEY a development certificate is made once.
"$BIN/flask" letters signing-certificate
"$BIN/flask" demo seed --claims "${DEMO_CLAIMS:-300}" --if-empty
# The open data show a release (cut here; a worker cuts one each OPEN_DATA_RELEASE_INTERVAL).
"$BIN/flask" open-data release
echo "Faunaschade: http://${HOST:-127.0.0.1}:${PORT:-5000}/ (jobs: ${REDIS_URL:+rq via $REDIS_URL}${REDIS_URL:-in-process})"
exec "$BIN/flask" run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
