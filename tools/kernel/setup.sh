#!/usr/bin/env bash
# Prepares what `daxsim kernel run` needs to boot Debian 12's Linux 6.1 under qemu: the Debian
# packages qemu-system-x86, busybox-static, xfsprogs, e2fsprogs (installed with apt-get when
# missing) and the kernel image that linux-image-amd64 depends on (downloaded with
# `apt-get download` and unpacked with `dpkg -x` into the kernel directory, never installed: its
# hooks want a bootloader). Idempotent and quiet when everything is there. Prints nothing else.
#
#   bash tools/kernel/setup.sh [KERNEL_DIR]     default: $DAXSIM_KERNEL_DIR or ~/.cache/daxsim/kernel
#
# KERNEL_DIR then holds vmlinuz (the image), modules/ (lib/modules/<release>/kernel) and VERSION
# (the package name and version, e.g. "linux-image-6.1.0-57-amd64 6.1.192-3"), which every
# kernel result records: Debian's point updates move the kernel.
set -euo pipefail

dir="${1:-${DAXSIM_KERNEL_DIR:-$HOME/.cache/daxsim/kernel}}"
PACKAGES=(qemu-system-x86 busybox-static xfsprogs e2fsprogs cpio)

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || { echo "kernel setup: need root for apt-get" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_or_die() {
  if ! "${sudo[@]}" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "kernel setup: $* failed" >&2
    exit 1
  fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  echo "kernel setup: installing ${missing[*]}" >&2
  apt_or_die apt-get update -q
  apt_or_die apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The image package linux-image-amd64 points at (apt's lists may be older than the mirror's).
image=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
if [[ -z "$image" ]]; then
  apt_or_die apt-get update -q
  image=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
fi
[[ -n "$image" ]] || { echo "kernel setup: no linux-image-amd64 dependency in apt's lists" >&2; exit 1; }
version=$(apt-cache policy "$image" | sed -n 's/^ *Candidate: //p')
want="$image $version"
if [[ -f "$dir/VERSION" && "$(cat "$dir/VERSION")" == "$want" && -f "$dir/vmlinuz" ]]; then
  exit 0
fi

echo "kernel setup: fetching $want into $dir" >&2
work=$(mktemp -d)
trap 'rm -rf "$work" "$log"' EXIT
(cd "$work" && apt_or_die apt-get download "$image") || exit 1
dpkg -x "$work"/linux-image-*.deb "$work/x"
release=$(ls "$work/x/lib/modules")
rm -rf "$dir.new"
mkdir -p "$dir.new"
cp "$work/x/boot/vmlinuz-$release" "$dir.new/vmlinuz"
# Only the modules the guest loads (guest.sh's list), with their paths.
for m in drivers/nvdimm/libnvdimm drivers/nvdimm/nd_btt drivers/nvdimm/nd_pmem \
         drivers/nvdimm/nd_e820 lib/crc16 fs/mbcache fs/jbd2/jbd2 crypto/crc32c_generic \
         lib/libcrc32c fs/ext4/ext4 fs/xfs/xfs; do
  f=$(ls "$work/x/lib/modules/$release/kernel/$m".ko* 2>/dev/null | head -1)
  [[ -n "$f" ]] || { echo "kernel setup: $image has no module $m" >&2; exit 1; }
  mkdir -p "$dir.new/modules/$(dirname "$m")"
  cp "$f" "$dir.new/modules/$(dirname "$m")/"
done
echo "$release" > "$dir.new/RELEASE"
echo "$want" > "$dir.new/VERSION"
rm -rf "$dir"
mv "$dir.new" "$dir"
