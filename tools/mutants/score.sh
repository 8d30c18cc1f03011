#!/usr/bin/env bash
# Mutation score of `daxsim check`: how many of the mutants in tools/mutants/ the default check
# kills.
#
# For each tools/mutants/NN-name.patch (sorted by name), in a scratch git worktree (default
# /tmp/daxsim-mutants-wt, created with `git worktree add --detach` if missing, else reset to the
# repository's HEAD): apply the patch, `bazel build -c opt //tools/daxsim` there, run
# `daxsim check --fail-fast --failures=<file in the worktree> CHECK_ARGS...`, record the verdict,
# the wall time of the check and its first FAIL line, and revert the worktree.
#   killed    check exited 1 (some item failed)
#   survived  check exited 0 (every verdict as expected)
#   invalid   the patch does not apply, or the mutant does not build
#   error     check exited with any other code (usage error, internal CHECK failure, signal)
# Before the mutants, HEAD itself is built and checked once (the baseline): a check that already
# fails without a mutant would make every mutant "killed", so the script stops there.
# It prints one line per mutant and `mutation score: K killed of N valid (P %)`, where N counts
# killed, survived and error (every mutant that applied and built). --out=FILE also writes a
# Markdown table. Logs of each build and check stay in <worktree>/.score/ for inspection.
# Bazel runs only inside the worktree (its own output base); nothing outside it is removed.
#
# Usage, from the repository root:
#   bash tools/mutants/score.sh [--only=GLOB] [--out=FILE] [--worktree=DIR] [--no-baseline]
#                               [-- CHECK_ARGS...]
#   --only=GLOB     only mutants whose file name (without .patch) matches GLOB, e.g. '0[1-5]-*'
#   --out=FILE      also write a Markdown table (mutant, kind, mirrors, verdict, time, killer)
#   --worktree=DIR  the scratch worktree (default /tmp/daxsim-mutants-wt)
#   --no-baseline   skip the check of unmutated HEAD (it is still built, to warm the cache)
#   CHECK_ARGS      passed to `daxsim check` after --fail-fast, e.g. -- --jobs=2 --models=xfs
# Exit status: 0 whatever the score (it is a measurement); 2 for bad usage or a broken setup,
# 3 if the baseline check fails.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

die() {
  echo "score.sh: $*" >&2
  exit 2
}

# ---- arguments ----
only='*'
out=''
worktree='/tmp/daxsim-mutants-wt'
baseline=1
check_args=()
while (($# > 0)); do
  case "$1" in
    --only=*) only="${1#--only=}" ;;
    --out=*) out="${1#--out=}" ;;
    --worktree=*) worktree="${1#--worktree=}" ;;
    --no-baseline) baseline=0 ;;
    -h | --help)
      usage
      exit 0
      ;;
    --)
      shift
      check_args=("$@")
      break
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

command -v git > /dev/null || die "git not found"
command -v bazel > /dev/null || die "bazel not found"
repo="$(git rev-parse --show-toplevel 2> /dev/null)" || die "run from inside the daxsim repository"
mutants_dir="$repo/tools/mutants"
[[ -d "$mutants_dir" ]] || die "no $mutants_dir"
[[ -z "$out" || "$out" == /* ]] || out="$PWD/$out"
head="$(git -C "$repo" rev-parse HEAD)"

patches=()
for p in "$mutants_dir"/*.patch; do
  [[ -e "$p" ]] || continue
  name="$(basename "$p" .patch)"
  # shellcheck disable=SC2053  # GLOB is a pattern on purpose
  [[ "$name" == $only ]] && patches+=("$p")
done
((${#patches[@]} > 0)) || die "no patch in $mutants_dir matches --only='$only'"

# ---- the scratch worktree ----
# Resets tracked files and removes untracked ones under sim/ (a patch could add files there).
reset_worktree() {
  git -C "$worktree" checkout -q -- .
  git -C "$worktree" clean -fdq -- sim
}

if [[ ! -e "$worktree" ]]; then
  echo "score.sh: creating worktree $worktree at ${head:0:12}" >&2
  # -f: also when the path is still registered from a worktree whose directory was deleted.
  git -C "$repo" worktree add -q -f --detach "$worktree" "$head"
else
  common="$(git -C "$worktree" rev-parse --path-format=absolute --git-common-dir 2> /dev/null)" ||
    die "$worktree exists but is not a git worktree; remove it or pass --worktree=DIR"
  [[ "$common" == "$(git -C "$repo" rev-parse --path-format=absolute --git-common-dir)" ]] ||
    die "$worktree is a worktree of another repository"
  [[ "$(git -C "$worktree" rev-parse --show-toplevel)" == "$(cd "$worktree" && pwd -P)" ]] ||
    die "$worktree is inside a worktree, not the top of one"
  reset_worktree
  git -C "$worktree" checkout -q --detach "$head"
fi
trap 'reset_worktree || true' EXIT

logs="$worktree/.score"
rm -rf -- "$logs"
mkdir -p -- "$logs"
daxsim="$worktree/bazel-bin/tools/daxsim/daxsim"

# ---- helpers ----
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# A header field of a patch ("# Kind: ..."), from the lines before the first `diff --git`.
field() { sed -n '/^diff --git/q; s/^# '"$2"': //p' "$1" | head -n 1; }
cut120() { cut -c 1-120; }
md_cell() { sed 's/|/\\|/g'; }

build() { # $1: log file
  (cd "$worktree" && bazel build -c opt //tools/daxsim) > "$1" 2>&1
}

# Runs the check; sets check_rc, check_time and check_line (first FAIL line, else a hint).
run_check() { # $1: log prefix
  local start end
  start="$(now)"
  check_rc=0
  (cd "$worktree" && "$daxsim" check --fail-fast --failures="$1.failures" \
    ${check_args[@]+"${check_args[@]}"}) > "$1.out" 2> "$1.err" || check_rc=$?
  end="$(now)"
  check_time="$(elapsed "$start" "$end")"
  check_line="$(grep -m 1 -E '^FAIL ' "$1.out" || true)"
  if [[ -z "$check_line" && $check_rc -ne 0 && $check_rc -ne 1 ]]; then
    check_line="$(grep -m 1 -E 'internal error|error' "$1.err" || tail -n 1 "$1.err" || true)"
  fi
  check_line="$(printf '%s' "$check_line" | head -n 1 | cut120)"
}

# ---- baseline ----
echo "score.sh: building HEAD (${head:0:12}) in $worktree" >&2
build "$logs/baseline.build.log" || die "HEAD does not build; see $logs/baseline.build.log"
if ((baseline)); then
  echo "score.sh: checking HEAD (the baseline; --no-baseline skips it)" >&2
  run_check "$logs/baseline"
  if ((check_rc != 0)); then
    echo "score.sh: daxsim check fails on HEAD without any mutant (exit $check_rc, ${check_time}s):" >&2
    echo "  ${check_line:-see $logs/baseline.out}" >&2
    exit 3
  fi
  echo "score.sh: baseline clean (${check_time}s)" >&2
fi

# ---- the mutants ----
killed=0 survived=0 invalid=0 errors=0
survivors=()
rows=()
for p in "${patches[@]}"; do
  name="$(basename "$p" .patch)"
  verdict='' check_time='-' check_line=''
  reset_worktree
  if ! git -C "$worktree" apply "$p" 2> "$logs/$name.apply.log"; then
    verdict=invalid
    check_line="patch does not apply: $(head -n 1 "$logs/$name.apply.log" | cut120)"
  elif ! build "$logs/$name.build.log"; then
    verdict=invalid
    check_line="build failed: $({ grep -m 1 -E ': error: ' "$logs/$name.build.log" ||
      grep -m 1 -E 'ERROR' "$logs/$name.build.log" || true; } | sed 's|^.*/sim/|sim/|' | cut120)"
  else
    run_check "$logs/$name"
    case "$check_rc" in
      1) verdict=killed ;;
      0) verdict=survived ;;
      *) verdict=error check_line="exit $check_rc: $check_line" ;;
    esac
  fi
  reset_worktree
  case "$verdict" in
    killed) killed=$((killed + 1)) ;;
    survived)
      survived=$((survived + 1))
      survivors+=("$name")
      ;;
    invalid) invalid=$((invalid + 1)) ;;
    error) errors=$((errors + 1)) ;;
  esac
  time_cell="$check_time"
  [[ "$time_cell" == - ]] || time_cell="${time_cell}s"
  printf '%-46s %-8s %8s  %s\n' "$name" "$verdict" "$time_cell" "$check_line"
  rows+=("| $name | $(field "$p" Kind | md_cell) | $(field "$p" Mirrors | md_cell) | $verdict | $time_cell | $(printf '%s' "$check_line" | md_cell) |")
done

valid=$((killed + survived + errors))
if ((valid > 0)); then
  pct="$(awk -v k="$killed" -v n="$valid" 'BEGIN { printf "%.1f %%", 100 * k / n }')"
else
  pct='n/a'
fi
summary="mutation score: $killed killed of $valid valid ($pct)"
echo "$summary"
echo "($survived survived, $errors error, $invalid invalid)"
((${#survivors[@]} == 0)) || echo "survivors: ${survivors[*]}"

if [[ -n "$out" ]]; then
  {
    echo "# Mutation score of \`daxsim check\`"
    echo
    echo "HEAD ${head:0:12}, check arguments: \`--fail-fast ${check_args[*]+${check_args[*]}}\`, $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "**$summary**; $survived survived, $errors error, $invalid invalid."
    echo
    echo "| mutant | kind | mirrors | verdict | time | what killed it |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
  } > "$out"
  echo "score.sh: wrote $out" >&2
fi
exit 0
