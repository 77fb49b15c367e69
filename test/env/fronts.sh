#!/usr/bin/env bash
# Installs the tools for testing the GitHub Action front, idempotently, under the git-ignored .atq-env/:
#   act (nektos/act, runs a workflow on this machine in host mode), actionlint, and Node 24 (the runtime
#   action.yml names) with the oldest Node atq supports, from test/env/node.sh.
# Each is kept when the version already there is the pinned one.
# Prints `export NAME=value` lines on stdout (progress goes to stderr):  eval "$(test/env/fronts.sh)"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

act_version=v0.2.89
actionlint_version=v1.7.12

env_dir=${ATQ_TEST_FRONTS_DIR:-$repo/.atq-env}
tools=$env_dir/tools
mkdir -p "$tools"
# Else act asks api.nektosact.com for notices whenever it runs (this machine has no such network).
export ACT_DISABLE_VERSION_CHECK=1

# act and actionlint need Go >= 1.25 to build (the machine's /usr/local/go has it; Debian 12's golang-go is 1.19).
go=""
for candidate in "$(command -v go || true)" /usr/local/go/bin/go; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  minor=$("$candidate" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  if [ -n "$minor" ] && [ "$minor" -ge 25 ]; then go=$candidate; break; fi
done

go_install() { # module@version
  [ -n "$go" ] || { echo "atq-env: Go >= 1.25 is needed to install $1" >&2; exit 1; }
  echo "atq-env: go install $1" >&2
  GOBIN=$tools GOFLAGS=-buildvcs=false "$go" install "$1" >&2
}

# act: `act --version` says "act version 0.2.89".
if [ "$("$tools/act" --version 2>/dev/null || true)" != "act version ${act_version#v}" ]; then
  go_install "github.com/nektos/act@$act_version"
fi

# actionlint: `actionlint -version` says the version on its first line (go install stamps it in).
if [ "$("$tools/actionlint" -version 2>/dev/null | sed -n 1p || true)" != "$actionlint_version" ]; then
  go_install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi

# Node 24 and the oldest Node atq supports (its export lines are passed on below).
node_vars=$(bash "$here/node.sh")

cat <<OUT
export ATQ_TEST_ACT=$tools/act
$node_vars
export ATQ_TEST_ACTIONLINT=$tools/actionlint
export ACT_DISABLE_VERSION_CHECK=1
OUT
