#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined; outside Bazel, whose
# toolchain here is gcc) and runs each: the workload parser (workload_fuzzer.cc) and the replay
# token decoder (token_fuzzer.cc). Seeds: the seed corpus, the library workloads' files and the
# gate corpus's tokens. Any crash, sanitizer report or broken property fails the run.
#
#   bash tools/fuzz/run.sh [-runs=N | -max_total_time=S] [workload|token]
#                                  (default -max_total_time=5 each; both targets unless named)
#
# Prints each target's libFuzzer summary ("Done N runs in S second(s)") on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
budget="${1:--max_total_time=5}"
targets="${2:-workload token}"
command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (bash tools/setup.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
absl=$(pkg-config --libs absl_strings absl_str_format absl_status absl_statusor)
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I.)
clang++ "${flags[@]}" tools/fuzz/workload_fuzzer.cc models/workload/{format,library,parse,text_internal,workload}.cc \
  $absl -o "$work/workload_fuzzer"
clang++ "${flags[@]}" tools/fuzz/token_fuzzer.cc sim/explore/token.cc $absl -o "$work/token_fuzzer"

mkdir -p "$work/wl" "$work/tok"
cp props/corpus/*.wl tools/kernel/testdata/seq/*.wl "$work/wl/"
i=0
grep -h '^\(fails\|fixed\) ' corpus/*.corpus | cut -d' ' -f2 | while read -r t; do
  printf '%s' "$t" > "$work/tok/$i"; i=$((i + 1))
done
for target in $targets; do
  [[ $target == workload || $target == token ]] || { echo "fuzz: unknown target '$target' (workload or token)" >&2; exit 2; }
  seeds="$work/wl"
  [[ $target == token ]] && seeds="$work/tok"
  log="$work/$target.log"
  if ! "$work/${target}_fuzzer" "$budget" -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$work/" "$seeds" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: ${target}_fuzzer failed" >&2
    exit 1
  fi
  echo "${target}_fuzzer: $(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
done
