#!/usr/bin/env bash
# Installs the Debian 12 packages daxsim builds with, but only those missing: idempotent, and
# silent when everything is already there. Offline-safe: Debian's apt registry is the only source.
set -euo pipefail

PACKAGES=(
  bazel-bootstrap    # Bazel 4.2.3 (+ build-essential, JDK)
  libabsl-dev        # Abseil 20220623     -> @system//:absl
  libfmt-dev         # fmt 9.1             -> @system//:fmt
  librapidcheck-dev  # RapidCheck          -> @system//:rapidcheck
  libgtest-dev       # GoogleTest 1.12     -> @system//:gtest, :gtest_main
  libgmock-dev       # GoogleMock          -> (inside :gtest, :gtest_main)
  libbenchmark-dev   # Google Benchmark 1.7 -> @system//:benchmark, :benchmark_main
  clang              # the libFuzzer targets (tools/fuzz/run.sh), outside Bazel
  libclang-rt-14-dev # libFuzzer and the sanitizers' runtimes for clang 14
  pkg-config         # Abseil's link flags for tools/fuzz/run.sh
  chromium           # headless browser for tools/daxsim:html_report_browser_test
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done
install_missing() {
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi

  echo "setup: installing ${missing[*]}" >&2
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  if ! { "${sudo[@]}" apt-get update -q &&
         "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: apt-get failed" >&2
    exit 1
  fi
}
((${#missing[@]} == 0)) || install_missing

# The real-kernel harness (daxsim kernel): qemu, busybox, mkfs tools, and Debian's 6.1 kernel
# image unpacked into ~/.cache/daxsim/kernel (tools/kernel/setup.sh; quiet when present).
bash "$(dirname "${BASH_SOURCE[0]}")/kernel/setup.sh"
