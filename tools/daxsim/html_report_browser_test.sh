#!/usr/bin/env bash
# Renders three pages in headless Chromium and checks what the browser laid out: the sample page
# (html_report_sample), a `daxsim check --html` page with a catalog bug's counterexamples, and a
# `daxsim matrix --html` page. The page's script writes data-rendered, data-table-rows and
# data-counterexamples on <body> (html_report.h), and --dump-dom prints the DOM after the load
# event. Fails, not skips, when Chromium is missing: tools/setup.sh installs it.
#
# Arguments: the html_report_sample binary, the daxsim binary.
set -euo pipefail

sample="$1"
daxsim="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

fail() {
  echo "html_report_browser_test: FAIL: $*" >&2
  exit 1
}

command -v chromium >/dev/null 2>&1 ||
  fail "chromium is not installed (run tools/setup.sh, or apt-get install chromium)"

# Chromium wants a writable HOME and profile; --no-sandbox because Bazel's sandbox (and root)
# leave it no user namespace of its own; /dev/shm may be tiny or absent in a sandbox.
export HOME="$tmp"
log="$tmp/chromium.log"
dom=""
render() {  # render PAGE: the DOM after load, in $dom
  dom="$1.dom"
  if ! timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$tmp/profile" --dump-dom "file://$1" >"$dom" 2>"$log"; then
    tail -n 30 "$log" >&2
    fail "chromium exited with an error or timed out on $1 (log above)"
  fi
}

expect() {
  grep -qF -- "$1" "$dom" || {
    echo "--- dumped DOM (first 40 lines) ---" >&2
    head -n 40 "$dom" >&2
    echo "--- chromium log (last 20 lines) ---" >&2
    tail -n 20 "$log" >&2
    fail "the rendered page lacks: $1"
  }
}

# 1. The sample page: fixed content.
page="$tmp/page.html"
"$sample" "$page" || fail "html_report_sample could not write $page"
render "$page"
expect 'data-rendered="1"'
expect 'data-table-rows="2"'
expect 'data-counterexamples="1"'
expect 'xfs/fault_vs_truncate: stale-mapping (I1)'
expect '<a href="#xfs_fault_vs_truncate">xfs/fault_vs_truncate</a>'

# 2. A real `daxsim check --html` with a catalog bug switched on: its counterexamples must all
# be laid out, and each linked trace file must exist and be Chrome trace JSON.
page="$tmp/check.html"
rc=0
"$daxsim" check --suites=truncate --models=xfs --bug=fault_truncate_race --no-seed-corpus \
  --budget=executions:300 --jobs=1 --failures="$tmp/failures.txt" --html="$page" \
  >"$tmp/check.out" 2>&1 || rc=$?
[[ $rc == 1 ]] || fail "daxsim check with a bug switched on exited $rc, not 1"
rows=$(grep -o '<tr class="[a-z]*">' "$page" | wc -l)
sections=$(grep -o '<section class="cx"' "$page" | wc -l)
((rows > 0 && sections > 0)) || fail "check page: $rows rows, $sections counterexamples"
render "$page"
expect 'data-rendered="1"'
expect "data-table-rows=\"$rows\""
expect "data-counterexamples=\"$sections\""
expect 'xfs/fault_vs_truncate: invariant (I2 mapping beyond EOF)'
expect 'last changed at step'
for href in $(grep -o 'href="check.html.traces/[^"]*"' "$page" | sed 's/href="//; s/"$//'); do
  grep -q '"traceEvents":\[' "$tmp/$href" || fail "check page links $href, which is no trace"
done

# 3. `daxsim matrix --html`: the table and the cost charts.
page="$tmp/matrix.html"
"$daxsim" matrix --configs=iomap/xfs --budget=executions:100 --jobs=1 --out="$tmp" \
  --failures="$tmp/failures.txt" --html="$page" >"$tmp/matrix.out" 2>&1 ||
  fail "daxsim matrix --html failed: $(tail -n 3 "$tmp/matrix.out")"
render "$page"
expect 'data-rendered="1"'
expect 'data-table-rows="1"'
expect 'Fault cost: pte_write_hole'
echo "html_report_browser_test: ok (three pages rendered in $(chromium --version 2>/dev/null))"
