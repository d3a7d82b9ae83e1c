#!/usr/bin/env bash
# `make test`: the whole suite on SQLite and on PostgreSQL at the same time (two processes, each with its own
# ZUGONG_VAR, so the keys, media and the SQLite test file are apart). Every 5 minutes it prints where each run
# is; at the end both outputs in full; it fails when either run fails. Arguments go to pytest (a subset:
# `bash scripts/test-both.sh tests/test_guesses.py`).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/zugong}
LOGS=var/test-logs
mkdir -p "$LOGS" var/test-sqlite var/test-postgres
chmod 700 var/test-sqlite var/test-postgres

echo "== tests on SQLite and on PostgreSQL, side by side (logs in $LOGS/) =="
ZUGONG_TESTING=1 ZUGONG_VAR="$PWD/var/test-sqlite" "$BIN/python" -m pytest -q -p no:cacheprovider "$@" \
    >"$LOGS/sqlite.log" 2>&1 &
sqlite_pid=$!
ZUGONG_TESTING=1 ZUGONG_VAR="$PWD/var/test-postgres" DATABASE_URL="$PG_URL" "$BIN/python" -m pytest -q \
    -p no:cacheprovider "$@" >"$LOGS/postgres.log" 2>&1 &
pg_pid=$!
trap 'kill $sqlite_pid $pg_pid 2>/dev/null' INT TERM

start=$(date +%s)
while kill -0 $sqlite_pid 2>/dev/null || kill -0 $pg_pid 2>/dev/null; do
    for _ in $(seq 60); do
        sleep 5
        kill -0 $sqlite_pid 2>/dev/null || kill -0 $pg_pid 2>/dev/null || break
    done
    minutes=$(( ($(date +%s) - start) / 60 ))
    for db in sqlite postgres; do
        echo "[$minutes min] $db: $(grep -o '\[ *[0-9]*%\]' "$LOGS/$db.log" | tail -1)"
    done
done
wait $sqlite_pid; sqlite_rc=$?
wait $pg_pid; pg_rc=$?

echo "== tests on SQLite =="; cat "$LOGS/sqlite.log"
echo "== tests on PostgreSQL =="; cat "$LOGS/postgres.log"
echo "== SQLite: exit $sqlite_rc; PostgreSQL: exit $pg_rc; $(( ($(date +%s) - start) / 60 )) min =="
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
