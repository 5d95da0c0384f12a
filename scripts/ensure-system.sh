#!/usr/bin/env bash
# Installs and starts what the project needs on a Debian machine (run as root).
#   scripts/ensure-system.sh run   WeasyPrint's libraries and fonts
#   scripts/ensure-system.sh test  the same, plus PostgreSQL, Redis and Chromium, running
set -euo pipefail

mode="${1:-run}"
apt_updated=""

apt_install() {
  if [ "$(id -u)" != "0" ]; then
    echo "ensure-system: need root to apt-get install $*" >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

have_lib() { ldconfig -p | grep -q "$1"; }

# WeasyPrint renders the letters: Pango, HarfBuzz and a font with the euro sign.
missing=()
have_lib libpango-1.0.so.0 || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so.0 || missing+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-system: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

[ "$mode" = "test" ] || exit 0

# PostgreSQL on 127.0.0.1:5432.
if ! command -v pg_ctlcluster >/dev/null; then
  echo "ensure-system: installing PostgreSQL"
  apt_install postgresql
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# The tests log in as role faunaschade (password faunaschade) and create their own databases.
if ! PGPASSWORD=faunaschade psql -q -h 127.0.0.1 -U faunaschade -d postgres -c 'select 1' >/dev/null 2>&1; then
  sql="DO \$\$BEGIN
         IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'faunaschade')
         THEN ALTER ROLE faunaschade LOGIN PASSWORD 'faunaschade' CREATEDB;
         ELSE CREATE ROLE faunaschade LOGIN PASSWORD 'faunaschade' CREATEDB; END IF; END\$\$;"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "$sql" 2>/dev/null \
    || runuser -u postgres -- psql -q -d postgres -c "$sql"
fi

# Redis on 127.0.0.1:6379.
if ! command -v redis-server >/dev/null; then
  echo "ensure-system: installing Redis"
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/faunaschade-test.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# Chromium for the browser tests, and poppler for looking at rendered letters.
command -v chromium >/dev/null || { echo "ensure-system: installing Chromium"; apt_install chromium; }
command -v pdftotext >/dev/null || apt_install poppler-utils
echo "ensure-system: PostgreSQL, Redis and Chromium are ready"
