#!/usr/bin/env bash
# Boots Debian 12's Linux 6.1 under qemu (TCG) with an emulated pmem region and runs a batch of
# workloads on ext4 or xfs mounted `-o dax=always`, one boot for the whole batch: before each
# workload the filesystem is made afresh (so a workload's layout does not depend on the ones
# before it), mounted, the runner runs it with fs_dax tracing on, and the filesystem is
# unmounted. The runner's record lines (tools/kernel/result.h) come out on the guest's second
# serial port, which qemu writes to OUT; the console (first port) goes to OUT.console.
#
#   guest.sh --fs=ext4|xfs --kernel-dir=DIR --runner=BIN --out=FILE [--timeout=S] WORKLOAD.wl[@N]...
#
# WORKLOAD.wl@N runs that workload N times in a row (one filesystem for the N runs; the runner
# makes the files afresh each time): a concurrent workload's observed outcomes.
# DIR is what tools/kernel/setup.sh prepared (vmlinuz, modules/, VERSION). --timeout bounds one
# workload inside the guest (default 300 s; a workload that runs over gets no end record and
# comes back as an error). Progress on stderr. Exit 0 when the guest ran the batch to the end.
set -euo pipefail

fs="" kdir="" runner="" out="" timeout=300
workloads=()
for a in "$@"; do
  case "$a" in
    --fs=*) fs="${a#--fs=}" ;;
    --kernel-dir=*) kdir="${a#--kernel-dir=}" ;;
    --runner=*) runner="${a#--runner=}" ;;
    --out=*) out="${a#--out=}" ;;
    --timeout=*) timeout="${a#--timeout=}" ;;
    --*) echo "guest.sh: unknown flag $a" >&2; exit 2 ;;
    *) workloads+=("$a") ;;
  esac
done
case "$fs" in
  ext4) mkfs='/sbin/mke2fs -F -q -t ext4 -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 /dev/pmem0' ;;
  xfs) mkfs='/sbin/mkfs.xfs -f -q -m reflink=0 /dev/pmem0' ;;
  *) echo "guest.sh: --fs must be ext4 or xfs" >&2; exit 2 ;;
esac
[[ -f "$kdir/vmlinuz" && -d "$kdir/modules" ]] || {
  echo "guest.sh: no kernel in '$kdir' (run: bash tools/kernel/setup.sh)" >&2; exit 2; }
[[ -x "$runner" ]] || { echo "guest.sh: no runner '$runner'" >&2; exit 2; }
[[ -n "$out" ]] || { echo "guest.sh: --out is required" >&2; exit 2; }
((${#workloads[@]} > 0)) || { echo "guest.sh: no workload" >&2; exit 2; }
for t in qemu-system-x86_64 cpio gzip; do
  command -v "$t" >/dev/null || { echo "guest.sh: $t missing (run: bash tools/kernel/setup.sh)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,mnt,w,lib/modules,lib64,lib/x86_64-linux-gnu,tmp}
cp /bin/busybox "$root/bin/busybox"
cp "$runner" "$root/runner"

# Modules, in load order (KERNEL.md).
MODULES=(drivers/nvdimm/libnvdimm drivers/nvdimm/nd_btt drivers/nvdimm/nd_pmem
  drivers/nvdimm/nd_e820 lib/crc16 fs/mbcache fs/jbd2/jbd2 crypto/crc32c_generic lib/libcrc32c
  fs/ext4/ext4 fs/xfs/xfs)
load=""
for m in "${MODULES[@]}"; do
  f=$(ls "$kdir/modules/$m".ko* 2>/dev/null | head -1)
  [[ -n "$f" ]] || { echo "guest.sh: module $m missing in $kdir/modules" >&2; exit 2; }
  b=$(basename "$f")
  case "$b" in
    *.xz) xz -dc "$f" > "$root/lib/modules/${b%.xz}"; b="${b%.xz}" ;;
    *) cp "$f" "$root/lib/modules/$b" ;;
  esac
  load+="insmod /lib/modules/$b || echo 'insmod $b failed'"$'\n'
done

# mkfs binaries with the shared libraries they need.
for bin in /usr/sbin/mke2fs /usr/sbin/mkfs.xfs; do
  cp "$bin" "$root/sbin/"
  for lib in $(ldd "$bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do
    [[ -f "$lib" ]] || continue
    case "$lib" in
      */ld-linux*) cp -L "$lib" "$root/lib64/" ;;
      *) cp -L "$lib" "$root/lib/x86_64-linux-gnu/" ;;
    esac
  done
done

list=""
for i in "${!workloads[@]}"; do
  path="${workloads[$i]}" repeat=1
  if [[ "$path" == *@* ]]; then repeat="${path##*@}"; path="${path%@*}"; fi
  [[ "$repeat" =~ ^[0-9]+$ && "$repeat" -ge 1 ]] || { echo "guest.sh: bad repeat in ${workloads[$i]}" >&2; exit 2; }
  name=$(printf "%05d.%d.wl" "$i" "$repeat")
  cp "$path" "$root/w/$name"
  list+=" /w/$name"
done

cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
$load
i=0
while [ ! -b /dev/pmem0 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
mount -t tracefs none /sys/kernel/tracing
# No brk randomization (mmap and stack stay randomized): this 6.1 puts a static binary's heap
# anywhere in the 1 GiB after its bss (arch_randomize_brk(), SZ_1G on x86-64), so about one
# runner in 500 had its heap inside [1 GiB, 1.5 GiB), where addr= mappings go: EEXIST, the
# runner's report showing "[heap]" at 0x4012e000 (2026-12-07).
echo 1 > /proc/sys/kernel/randomize_va_space
echo 1 > /sys/kernel/tracing/events/fs_dax/enable
echo "@@guest up \$(uname -r)" > /dev/ttyS1
ns=\$(basename \$(readlink /sys/block/pmem0/device))
for w in $list; do
  if [ ! -b /dev/pmem0 ]; then  # the last workload unbound it
    echo \$ns > /sys/bus/nd/drivers/nd_pmem/bind
    i=0
    while [ ! -b /dev/pmem0 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
  fi
  $mkfs > /tmp/mkfs.log 2>&1 || { echo "@@guest mkfs failed: \$(tail -1 /tmp/mkfs.log)" > /dev/ttyS1; }
  mount -o dax=always /dev/pmem0 /mnt || echo "@@guest mount failed" > /dev/ttyS1
  n=\${w%.wl}; n=\${n##*.}
  # A runner still running after --timeout seconds is stuck: the stacks of the blocked tasks
  # (SysRq-w) go to the console before it is killed.
  /runner --dir=/mnt --tracefs=/sys/kernel/tracing --require-dax --unbind=\$ns --repeat=\$n --out=/dev/ttyS1 \$w &
  pid=\$!
  ( sleep $timeout
    echo "@@guest stuck \$w: blocked tasks follow" > /dev/ttyS0
    echo 1 > /proc/sys/kernel/sysrq; dmesg -c > /dev/null; echo w > /proc/sysrq-trigger
    sleep 1; dmesg > /dev/ttyS0; killall -KILL runner ) &
  dog=\$!
  wait \$pid
  rc=\$?
  kill \$dog 2> /dev/null
  echo "@@guest ran \$w rc=\$rc" > /dev/ttyS1
  umount /mnt
done
echo "@@guest done" > /dev/ttyS1
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

: > "$out"
echo "guest: booting $(cat "$kdir/VERSION") with ${#workloads[@]} workload(s) on $fs" >&2
qemu-system-x86_64 -accel tcg -cpu max -m 2G -smp 2 -display none -monitor none -no-reboot \
  -kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 memmap=512M!1G quiet loglevel=1 panic=-1" \
  -serial "file:$out.console" -serial "file:$out" &
qemu=$!
done_count=0
done_at=0
while kill -0 "$qemu" 2>/dev/null; do
  sleep 2
  # A guest whose kernel oopsed may hang in poweroff: the batch is over once it says so.
  if grep -q '^@@guest done' "$out" 2>/dev/null; then
    done_at=$((done_at + 1))
    if ((done_at > 3)); then kill "$qemu" 2>/dev/null || true; fi
  fi
  n=$(grep -c '^@@guest ran' "$out" 2>/dev/null || true)
  if ((n != done_count)); then
    done_count=$n
    echo "guest: $n/${#workloads[@]} workloads run" >&2
  fi
done
wait "$qemu" || true
if grep -qE '(BUG:|Oops:|WARNING:|kernel BUG)' "$out.console" 2>/dev/null; then
  echo "guest: the kernel reported: $(grep -m1 -E '(BUG:|Oops:|WARNING:|kernel BUG)' "$out.console" | sed 's/^\[[^]]*\] //') (console: $out.console)" >&2
fi
if grep -q '^@@guest stuck' "$out.console" 2>/dev/null; then
  echo "guest: $(grep -m1 '^@@guest stuck' "$out.console" | sed 's/^@@guest //'):" >&2
  # Each blocked task and the kernel functions on its stack (SysRq-w's dump).
  sed -n '/^@@guest stuck/,$p' "$out.console" | grep -E 'task:| [a-z_0-9.]+\+0x' |
    sed -E 's/^\[[^]]*\] *//; s/^ +/    /' | head -80 >&2
fi
grep -q '^@@guest done' "$out" || { echo "guest: the guest stopped before the end of the batch (console: $out.console)" >&2; exit 1; }
