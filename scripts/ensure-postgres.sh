#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at 127.0.0.1:5432 (or DATABASE_URL's host/port is left alone).
set -euo pipefail
# `zugong backup` / `restore` (and their tests) on PostgreSQL run pg_dump and pg_restore.
if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
  echo "installing postgresql-client (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql/*/main >/dev/null 2>&1; then
  ver=$(ls /etc/postgresql | sort -n | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
fi
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
# No cluster to start: a throwaway one in var/pg (trust auth, as root runs it as postgres).
if ! command -v initdb >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
dir="$(pwd)/var/pg"
mkdir -p "$dir" && chown postgres:postgres "$dir"
[ -f "$dir/data/PG_VERSION" ] || runuser -u postgres -- initdb -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- pg_ctl -D "$dir/data" -l "$dir/server.log" -o "-p 5432 -k $dir -c listen_addresses=127.0.0.1" -w start
pg_isready -h 127.0.0.1 -p 5432
