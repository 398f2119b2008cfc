#!/usr/bin/env bash
# The whole test suite: type check, then the real service stack, then every test file.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
bash scripts/stack.sh up
node scripts/run-tests.mjs test "$@"
