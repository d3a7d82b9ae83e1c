#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright's own browser download does not work here);
# CJK fonts make the screenshots readable.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
# WeasyPrint (PDF documents) needs Pango.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# The 任免审批表 PDF test renders the pages to PNG with pdftoppm to look at them.
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing ${need[*]} (apt)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
