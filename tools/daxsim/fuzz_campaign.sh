#!/usr/bin/env bash
# One shard of a `daxsim fuzz` campaign as a Bazel test (//tools/daxsim:fuzz_campaign, tagged
# manual: `bazel test //...` never runs it). Bazel sets TEST_SHARD_INDEX and TEST_TOTAL_SHARDS;
# `daxsim fuzz` reads them (as --shard=i/n) and touches TEST_SHARD_STATUS_FILE, so each shard
# runs the candidates whose number is its index modulo the shard count, locally or on Bazel's
# remote executors. The corpus each shard grows and its failures file go to
# TEST_UNDECLARED_OUTPUTS_DIR (bazel-testlogs/tools/daxsim/fuzz_campaign/shard_N_of_M/
# test.outputs/, zipped), so findings come back from remote machines; merge the shards'
# corpus/*.wl directories afterwards. The test fails (exit 1) when a shard finds a violation that
# is not a known finding.
#
# Arguments: the daxsim binary, then `daxsim fuzz` flags. Without a --runs= or --seconds= flag a
# shard runs 2000 candidates. Examples:
#   bazel test -c opt //tools/daxsim:fuzz_campaign                        # 50 x 2000 workloads
#   bazel test -c opt //tools/daxsim:fuzz_campaign --test_arg=--runs=50000 --test_arg=--seed=7
set -euo pipefail
daxsim="$1"
shift
budget=(--runs=2000)
for a in "$@"; do
  case "$a" in
    --runs=* | --seconds=*) budget=() ;;
  esac
done
out="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-$(mktemp -d)}}"
mkdir -p "$out/corpus"
exec "$daxsim" fuzz --corpus="$out/corpus" --failures="$out/failures.txt" --jobs=1 \
  ${budget[@]+"${budget[@]}"} "$@"
