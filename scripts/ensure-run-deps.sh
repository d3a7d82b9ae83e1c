#!/usr/bin/env bash
# What `make run` needs from Debian beyond Python: Pango for WeasyPrint (PDF documents) and CJK fonts to print them.
# `--check` only prints what is missing (nothing is installed).
set -euo pipefail
# `grep -q` stops reading at the first match; under pipefail the writer's SIGPIPE (exit 141) would then count as
# "not found", so the whole listing is read (grep -c) before deciding.
has() { [ "$("$@" 2>/dev/null | grep -ci "$PATTERN" || true)" != "0" ]; }
need=()
PATTERN="libpangoft2-1.0"; has ldconfig -p || need+=(libpango-1.0-0 libpangoft2-1.0-0)
PATTERN="Noto Sans CJK"; has fc-list || need+=(fonts-noto-cjk)
if [ "${1:-}" = "--check" ]; then echo "missing: ${need[*]:-none}"; exit 0; fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing ${need[*]} (apt)"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
