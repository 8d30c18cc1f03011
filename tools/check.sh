#!/usr/bin/env bash
# Runs the daxsim checker: installs missing packages, then
# `bazel run -c opt //tools/daxsim -- check ARGS...`. The binary sees the directory this was
# called from as $BUILD_WORKING_DIRECTORY (the repository root if called from outside it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
case "$(pwd -P)/" in "$root"/*) ;; *) cd "$root" ;; esac
bash "$root/tools/setup.sh"
exec bazel run -c opt --ui_event_filters=-info --noshow_progress //tools/daxsim -- check "$@"
