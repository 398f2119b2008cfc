#!/usr/bin/env bash
# The whole test suite: type check, then the real service stack, then every test file
# (scripts/run-tests.mjs: unit files one process per core, then integration files side by side).
# The type check is incremental (its state in node_modules/.cache): a second run rechecks only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p node_modules/.cache/sluice-tests
npx tsc --noEmit -p . --incremental --tsBuildInfoFile node_modules/.cache/sluice-tests/tsc.tsbuildinfo
bash scripts/stack.sh up
node scripts/run-tests.mjs test "$@"
