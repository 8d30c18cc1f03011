#!/usr/bin/env bash
# Runs the whole test suite: installs missing packages, then `bazel test //...`.
# Arguments pass through to `bazel test`, e.g. `bash tools/test.sh --config=asan` or
# `bash tools/test.sh //sim/...` (given target patterns replace the default //...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh

targets=("//...")
for arg in "$@"; do
  [[ "$arg" == -* ]] || { targets=(); break; }
done
exec bazel test "$@" "${targets[@]}"
