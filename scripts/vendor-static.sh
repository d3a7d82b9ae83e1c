#!/usr/bin/env bash
# Re-vendors the front-end libraries from the npm registry into zugong/static/vendor.
# The machines that run zugong have no internet: these files are committed, never loaded from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=zugong/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() {  # fetch NAME@VERSION
  (cd "$tmp" && npm pack --silent "$1" >/dev/null && mkdir -p "${1%@*}" && tar xzf ./*.tgz -C "${1%@*}" --strip-components=1 && rm ./*.tgz)
}
fetch @tabler/core@1.6.1
fetch htmx.org@2.0.11
fetch echarts@6.1.0
fetch tom-select@2.6.2
rm -rf "$dest" && mkdir -p "$dest"/{tabler,htmx,echarts,tom-select}
cp "$tmp/@tabler/core/dist/css/tabler.min.css" "$tmp/@tabler/core/dist/js/tabler.min.js" "$dest/tabler/"
cp "$tmp/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$tmp/echarts/dist/echarts.min.js" "$dest/echarts/"
cp "$tmp/tom-select/dist/js/tom-select.complete.min.js" "$tmp/tom-select/dist/css/tom-select.bootstrap5.min.css" "$dest/tom-select/"
# Source maps are not shipped: drop the references so collectstatic's manifest does not look for them.
find "$dest" \( -name "*.js" -o -name "*.css" \) -print0 | xargs -0 sed -i -E -e '/^\/\/# sourceMappingURL=/d' -e 's|/\*# sourceMappingURL=[^*]*\*/||' 
cat > "$dest/VERSIONS" <<V
@tabler/core 1.6.1 (MIT)
htmx.org 2.0.11 (0BSD)
echarts 6.1.0 (Apache-2.0)
tom-select 2.6.2 (Apache-2.0)
V
ls -la "$dest"/*
