#!/usr/bin/env bash
# Applies a recommended PostgreSQL configuration (deploy/postgresql/<profile>.conf) to the local cluster with
# ALTER SYSTEM, then reloads it. Settings that need a restart (shared_buffers, max_worker_processes, …) take
# effect at the cluster's next restart; with ZUGONG_PG_RESTART=1 the script restarts it itself when no other
# client is connected (never under a running test or import).
#
#   bash scripts/pg-tune.sh            # profile by the machine: small (≤ 4 cores), else large
#   bash scripts/pg-tune.sh small      # 2 cores, 24 GB
#   ZUGONG_PG_PROFILE=none make bench  # leave the server's configuration alone
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-${ZUGONG_PG_PROFILE:-}}"
if [ -z "$profile" ]; then
  if [ "$(nproc)" -le 4 ]; then profile=small; else profile=large; fi
fi
[ "$profile" = none ] && exit 0
conf="deploy/postgresql/$profile.conf"
[ -f "$conf" ] || { echo "没有 PostgreSQL 配置 $conf（可选 small、large、none）" >&2; exit 2; }
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)
changed=0
while IFS= read -r line; do
  line="${line%%#*}"
  [[ "$line" =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*([^[:space:]]+)[[:space:]]*$ ]] || continue
  name="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
  now=$("${PSQL[@]}" -Atc "SELECT coalesce((SELECT setting FROM pg_file_settings WHERE name = '$name'
          AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1), '')")
  if [ "$now" != "$value" ]; then
    "${PSQL[@]}" -c "ALTER SYSTEM SET $name = '$value'"
    changed=1
  fi
done < "$conf"
[ "$changed" = 1 ] && "${PSQL[@]}" -Atc "SELECT pg_reload_conf()" >/dev/null
pending=$("${PSQL[@]}" -Atc "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")
if [ -n "$pending" ]; then
  others=$("${PSQL[@]}" -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'
             AND pid <> pg_backend_pid()")
  if [ "${ZUGONG_PG_RESTART:-0}" = 1 ] && [ "$others" = 0 ]; then
    data=$("${PSQL[@]}" -Atc "SHOW data_directory")
    echo "PostgreSQL: restarting for $pending"
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] && [[ "$data" == /var/lib/postgresql/* ]]; then
      ver=$(basename "$(dirname "$data")")
      pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
    else
      runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$data" -m fast -w restart >/dev/null
    fi
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  else
    echo "PostgreSQL（$profile 配置）：$pending 需重启数据库后生效（ZUGONG_PG_RESTART=1 时在无其他连接时自动重启）"
  fi
fi
