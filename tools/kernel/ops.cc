// The runner's operations, one function per family: mapping lifetime (mmap, munmap, madvise,
// msync, poison), CPU accesses through a mapping (load, store, clwb, sfence), and file system
// calls (read, write, fallocate modes, truncate, fsync, fstat). A CPU access runs under a
// per-thread sigsetjmp guard, so a SIGBUS or SIGSEGV it raises ends the op with that signal as its
// result (the bytes a partly done load read are dropped, as the model reports the op's signal
// only).
#include "tools/kernel/ops.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tools/kernel/result.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

namespace daxsim::kernel::internal {
namespace {

using models::workload::Op;
using models::workload::OpCode;

thread_local sigjmp_buf* guard = nullptr;

void OnFault(int sig, siginfo_t*, void*) {
  if (guard != nullptr) siglongjmp(*guard, sig);
  // Not inside an access: an asynchronous memory-failure SIGBUS (BUS_MCEERR_AO) to a process
  // that opted into early kill; the op that caused it reports its own result.
}

// Runs `access` with SIGBUS/SIGSEGV caught; returns the signal or 0.
template <typename F>
int Guarded(F&& access) {
  sigjmp_buf env;
  const int sig = sigsetjmp(env, 1);
  if (sig != 0) {
    guard = nullptr;
    return sig;
  }
  guard = &env;
  access();
  guard = nullptr;
  return 0;
}

void SetSignal(int sig, Slot* slot) { slot->kind = sig == SIGBUS ? Slot::kSigbus : Slot::kSigsegv; }

void SetSyscall(long ret, Slot* slot) {
  if (ret < 0) {
    slot->kind = Slot::kErr;
    slot->value = errno;
  } else {
    slot->kind = Slot::kRet;
    slot->value = ret;
  }
}

void SetData(const uint8_t* bytes, size_t n, Slot* slot) {
  std::string text = EncodeBytes(bytes, n);
  if (text.size() >= kDataMax) text = text.substr(0, kDataMax - 2) + "!";  // cut: never equal
  std::memcpy(slot->data, text.c_str(), text.size() + 1);
}

bool HasClwb() {
  unsigned a = 7, b = 0, c = 0, d = 0;
  asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
  return (b >> 24) & 1;
}

void FlushLine(const uint8_t* p, bool clwb) {
  if (clwb) {
    asm volatile(".byte 0x66, 0x0f, 0xae, 0x30" ::"a"(p) : "memory");  // clwb (%rax)
  } else {
    asm volatile("clflush (%0)" ::"r"(p) : "memory");
  }
}

int FdOf(const ActorContext& ctx, const std::string& file) { return ctx.fds->at(file); }

// ---- mapping lifetime ----

// What occupies [start, start + len) (the lines of /proc/self/maps that overlap it), to the
// console: a failed addr= claim is a harness problem worth seeing (kernel diff --keep).
void ReportOccupied(uint64_t start, uint64_t len) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == nullptr) return;
  char line[512];
  while (fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo = 0, hi = 0;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < start + len && start < hi) {
      fprintf(stderr, "runner: addr=0x%lx len=0x%lx is taken: %s",
              static_cast<unsigned long>(start), static_cast<unsigned long>(len), line);
    }
  }
  fclose(f);
}

void RunMmap(const Op& op, ActorContext& ctx, Slot* slot) {
  const int prot = PROT_READ | (op.write_access ? PROT_WRITE : 0);
  const int flags = op.sync ? MAP_SHARED_VALIDATE | MAP_SYNC : op.shared ? MAP_SHARED : MAP_PRIVATE;
  // addr=: the range is claimed with an anonymous MAP_FIXED_NOREPLACE mapping (EEXIST if
  // anything is mapped there; a kernel older than 4.17 would take it as a hint and map
  // elsewhere, which counts as EEXIST too), then replaced by the file mapping with MAP_FIXED.
  // MAP_FIXED_NOREPLACE itself is not in 6.1's LEGACY_MAP_MASK, so MAP_SHARED_VALIDATE (MAP_SYNC)
  // would refuse it with EOPNOTSUPP.
  void* want = reinterpret_cast<void*>(op.addr);
  if (op.addr != 0) {
    void* claim =
        mmap(want, op.length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (claim == MAP_FAILED || claim != want) {
      const int err = claim == MAP_FAILED ? errno : EEXIST;  // the real errno, not always EEXIST
      if (claim != MAP_FAILED) munmap(claim, op.length);
      fprintf(stderr, "runner: claim of addr=0x%lx len=0x%lx failed: %s\n",
              static_cast<unsigned long>(op.addr), static_cast<unsigned long>(op.length),
              strerror(err));
      ReportOccupied(op.addr, op.length);
      errno = err;
      SetSyscall(-1, slot);
      return;
    }
  }
  void* p = mmap(want, op.length, prot, flags | (op.addr != 0 ? MAP_FIXED : 0), FdOf(ctx, op.file),
                 static_cast<off_t>(op.offset));
  if (p == MAP_FAILED && op.addr != 0) {
    const int saved = errno;
    munmap(want, op.length);  // the claim
    errno = saved;
  }
  if (p == MAP_FAILED) {
    SetSyscall(-1, slot);
    return;
  }
  ctx.maps[op.map] = MapInfo{static_cast<uint8_t*>(p), op.length, op.file};
  slot->kind = Slot::kOk;
  slot->addr = reinterpret_cast<uint64_t>(p);
}

void RunMappingCall(const Op& op, const MapInfo& m, Slot* slot) {
  uint8_t* at = m.base + op.offset;
  switch (op.code) {
    case OpCode::kMunmap:
      SetSyscall(munmap(m.base, m.length), slot);
      break;
    case OpCode::kMsync:
      SetSyscall(msync(at, op.length, MS_SYNC), slot);
      break;
    case OpCode::kMadviseDontneed:
      SetSyscall(madvise(at, op.length, MADV_DONTNEED), slot);
      break;
    case OpCode::kPoison: {
      uint8_t* page = m.base + (op.offset & ~uint64_t{4095});
      SetSyscall(madvise(page, 4096, MADV_HWPOISON), slot);
      break;
    }
    default:
      break;
  }
}

// ---- CPU accesses ----

// A load or store as compiled code makes it: bytes up to an 8-byte boundary, then aligned
// 8-byte words (each one single-copy atomic on x86-64, as the model takes an access of up to
// 8 aligned bytes to be), then the tail bytes. In order of address.
void CopyIn(volatile uint8_t* at, uint64_t n, uint8_t* out) {
  uint64_t i = 0;
  for (; i < n && (reinterpret_cast<uintptr_t>(at + i) & 7) != 0; ++i) out[i] = at[i];
  for (; i + 8 <= n; i += 8) {
    const uint64_t w = *reinterpret_cast<volatile uint64_t*>(at + i);
    std::memcpy(out + i, &w, 8);
  }
  for (; i < n; ++i) out[i] = at[i];
}

void Fill(volatile uint8_t* at, uint64_t n, uint8_t value) {
  const uint64_t word = 0x0101010101010101ull * value;
  uint64_t i = 0;
  for (; i < n && (reinterpret_cast<uintptr_t>(at + i) & 7) != 0; ++i) at[i] = value;
  for (; i + 8 <= n; i += 8) *reinterpret_cast<volatile uint64_t*>(at + i) = word;
  for (; i < n; ++i) at[i] = value;
}

void RunAccess(const Op& op, const MapInfo& m, Slot* slot) {
  volatile uint8_t* at = m.base + op.offset;
  std::vector<uint8_t> bytes(op.code == OpCode::kLoad ? op.length : 0);
  const int sig = Guarded([&] {
    switch (op.code) {
      case OpCode::kLoad:
        CopyIn(at, op.length, bytes.data());
        break;
      case OpCode::kStore:
        Fill(at, op.length, static_cast<uint8_t>(op.value));
        break;
      case OpCode::kClwb: {
        static const bool clwb = HasClwb();
        const uint64_t first = reinterpret_cast<uint64_t>(at) & ~uint64_t{63};
        for (uint64_t a = first; a < reinterpret_cast<uint64_t>(at) + op.length; a += 64) {
          FlushLine(reinterpret_cast<const uint8_t*>(a), clwb);
        }
        break;
      }
      default:
        break;
    }
  });
  if (sig != 0) {
    SetSignal(sig, slot);
    return;
  }
  slot->kind = Slot::kOk;
  if (op.code == OpCode::kLoad) SetData(bytes.data(), bytes.size(), slot);
}

// ---- DMA pins ----

// pin ro: vmsplice(2) of the range into a pipe of its own. 6.1's iter_to_pipe() takes a page
// reference on each page (iov_iter_get_pages2(): get_user_pages_fast without FOLL_WRITE,
// faulting as get_user_pages does), and dax_layout_busy_page() finds a page busy while its
// count is above one: truncate, punch and zero-range wait (ext4_break_layouts(),
// xfs_break_dax_layouts()) until the pipe is read or closed. A GUP that fails at the first page
// fails vmsplice with its errno (EFAULT); one that fails later makes the count short, reported
// as EFAULT too (the model's pin reports the first page that failed); the pages before the
// failure stay referenced.
void RunReadPin(const Op& op, const MapInfo& m, ActorContext& ctx, Slot* slot) {
  HeldPin pin{op.map, op.offset, op.length, {-1, -1}};
  if (pipe2(pin.pipe, O_CLOEXEC) != 0) {
    SetSyscall(-1, slot);
    return;
  }
  // One pipe buffer per page: room for all (the default 16 would make vmsplice block).
  const uint64_t pages = ((op.offset + op.length + 4095) >> 12) - (op.offset >> 12);
  if (fcntl(pin.pipe[1], F_SETPIPE_SZ, static_cast<int>(std::max<uint64_t>(pages, 16) << 12)) < 0) {
    SetSyscall(-1, slot);
    close(pin.pipe[0]);
    close(pin.pipe[1]);
    return;
  }
  iovec iov{m.base + op.offset, op.length};
  const ssize_t n = vmsplice(pin.pipe[1], &iov, 1, 0);
  if (n == static_cast<ssize_t>(op.length)) {
    slot->kind = Slot::kOk;
  } else {
    if (n >= 0) errno = EFAULT;
    SetSyscall(-1, slot);
  }
  ctx.pins.push_back(pin);
}

// pin rw slow longterm: io_uring buffer registration. 6.1's io_sqe_buffer_register() ->
// io_pin_pages(): pin_user_pages(FOLL_WRITE | FOLL_LONGTERM), the slow path, whose
// check_vma_flags() refuses a filesystem-DAX VMA with EOPNOTSUPP. A registration that succeeds
// holds its pins until the ring is closed (unpin).
void RunLongtermPin(const Op& op, const MapInfo& m, ActorContext& ctx, Slot* slot) {
  io_uring_params params{};
  const int ring = static_cast<int>(syscall(__NR_io_uring_setup, 1, &params));
  if (ring < 0) {
    SetSyscall(-1, slot);
    return;
  }
  iovec iov{m.base + op.offset, op.length};
  if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1) != 0) {
    const int err = errno;
    close(ring);
    errno = err;
    SetSyscall(-1, slot);
    return;
  }
  slot->kind = Slot::kOk;
  HeldPin pin{op.map, op.offset, op.length};
  pin.ring = ring;
  ctx.pins.push_back(pin);
}

void ClosePin(HeldPin& pin) {
  if (pin.ring >= 0) close(pin.ring);
  if (pin.pipe[0] >= 0) close(pin.pipe[0]);
  if (pin.pipe[1] >= 0) close(pin.pipe[1]);
}

// unpin (of a held pin, without val=): the device has read the pages; a read pin's pipe is read
// empty, which drops the page references, and closed; a long-term pin's ring is closed. The pin is
// the oldest with the same range (Unsupported() admits only unpins that name a held pin's range
// exactly).
void RunUnpin(const Op& op, ActorContext& ctx, Slot* slot) {
  for (auto it = ctx.pins.begin(); it != ctx.pins.end(); ++it) {
    if (it->map != op.map || it->offset != op.offset || it->length != op.length) continue;
    std::vector<uint8_t> sink(op.length + 4096);
    if (it->pipe[0] >= 0) fcntl(it->pipe[0], F_SETFL, O_NONBLOCK);
    while (it->pipe[0] >= 0 && read(it->pipe[0], sink.data(), sink.size()) > 0) {
    }
    ClosePin(*it);
    ctx.pins.erase(it);
    slot->kind = Slot::kOk;
    return;
  }
  slot->kind = Slot::kOk;  // nothing held there (the pin failed before any page)
}

void RunMapOp(const Op& op, ActorContext& ctx, Slot* slot) {
  if (op.code == OpCode::kUnpin) return RunUnpin(op, ctx, slot);
  if (op.code == OpCode::kMmap) return RunMmap(op, ctx, slot);
  auto it = ctx.maps.find(op.map);
  if (it == ctx.maps.end()) {  // its mmap failed
    slot->kind = Slot::kNoMap;
    return;
  }
  const MapInfo m = it->second;
  if (op.code == OpCode::kMunmap) ctx.maps.erase(it);
  switch (op.code) {
    case OpCode::kLoad:
    case OpCode::kStore:
    case OpCode::kClwb:
      RunAccess(op, m, slot);
      break;
    case OpCode::kPin:
      if (op.longterm) {
        RunLongtermPin(op, m, ctx, slot);
      } else {
        RunReadPin(op, m, ctx, slot);
      }
      break;
    default:
      RunMappingCall(op, m, slot);
      break;
  }
  if (op.code == OpCode::kStore && ctx.fiemap) RecordLayout(FdOf(ctx, m.file), slot);
}

// ---- file system calls ----

// pread/pwrite. With to=/from=, the buffer is the mapping (the kernel's copy faults on it); a
// read into a mapping reports its count only, as the model does: reading the bytes back after
// the call would race the other actors (a truncate in between made it fault), and a later load
// shows them.
void RunReadWrite(const Op& op, int fd, ActorContext& ctx, Slot* slot) {
  std::vector<uint8_t> own(op.buf_map.empty() ? op.length : 0, static_cast<uint8_t>(op.value));
  uint8_t* buf = own.data();
  if (!op.buf_map.empty()) {
    auto it = ctx.maps.find(op.buf_map);
    if (it == ctx.maps.end()) {  // its mmap failed
      slot->kind = Slot::kNoMap;
      return;
    }
    buf = it->second.base + op.buf_offset;
  }
  const off_t off = static_cast<off_t>(op.offset);
  if (op.code == OpCode::kWrite) {
    SetSyscall(pwrite(fd, buf, op.length, off), slot);
    return;
  }
  const ssize_t n = pread(fd, buf, op.length, off);
  SetSyscall(n, slot);
  if (n > 0 && op.buf_map.empty()) SetData(buf, static_cast<size_t>(n), slot);
}

void RunSpaceOp(const Op& op, int fd, Slot* slot) {
  const off_t off = static_cast<off_t>(op.offset), len = static_cast<off_t>(op.length);
  switch (op.code) {
    case OpCode::kFallocate:
      SetSyscall(fallocate(fd, 0, off, len), slot);
      break;
    case OpCode::kPunchHole:
      SetSyscall(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len), slot);
      break;
    case OpCode::kZeroRange:
      SetSyscall(fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len), slot);
      break;
    case OpCode::kTruncate:
      SetSyscall(ftruncate(fd, off), slot);
      break;
    case OpCode::kFsync:
      SetSyscall(fsync(fd), slot);
      break;
    default:
      break;
  }
}

void RunSize(int fd, Slot* slot) {
  struct stat st = {};
  if (fstat(fd, &st) != 0) {
    SetSyscall(-1, slot);
    return;
  }
  slot->kind = Slot::kSize;
  slot->value = st.st_size;
}

void RunFileOp(const Op& op, ActorContext& ctx, Slot* slot) {
  const int fd = FdOf(ctx, op.file);
  if (op.code == OpCode::kRead || op.code == OpCode::kWrite) {
    RunReadWrite(op, fd, ctx, slot);
  } else if (op.code == OpCode::kSize) {
    RunSize(fd, slot);
    return;
  } else {
    RunSpaceOp(op, fd, slot);
  }
  if (op.code != OpCode::kRead && op.code != OpCode::kFsync && ctx.fiemap) RecordLayout(fd, slot);
  // A read into a mapping may allocate in the mapping's file (its copy takes write faults).
  auto buf = ctx.maps.find(op.buf_map);
  if (op.code == OpCode::kRead && buf != ctx.maps.end() && ctx.fiemap) {
    RecordLayout(FdOf(ctx, buf->second.file), slot);
  }
}

// Device unbind: the nd_pmem driver lets go of the namespace (pmem_remove -> kill_dax, the
// disk deleted under the mounted filesystem), as `echo namespace0.0 > .../unbind` does.
void Unbind(const std::string& ns, Slot* slot) {
  const int fd = open("/sys/bus/nd/drivers/nd_pmem/unbind", O_WRONLY);
  if (fd < 0) {
    SetSyscall(-1, slot);
    return;
  }
  const ssize_t n = write(fd, ns.data(), ns.size());
  const int saved = errno;
  close(fd);
  errno = saved;
  slot->kind = n == static_cast<ssize_t>(ns.size()) ? Slot::kOk : Slot::kErr;
  if (n < 0) slot->value = errno;
}

}  // namespace

void ReleasePins(ActorContext& ctx) {
  for (HeldPin& pin : ctx.pins) ClosePin(pin);
  ctx.pins.clear();
}

void InstallSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_sigaction = OnFault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, nullptr);
  sigaction(SIGSEGV, &sa, nullptr);
}

bool RecordLayout(int fd, Slot* slot) {
  std::vector<uint64_t> buf((sizeof(fiemap) + kExtentsMax * sizeof(fiemap_extent)) / 8 + 1, 0);
  auto* fm = reinterpret_cast<fiemap*>(buf.data());
  fm->fm_start = 0;
  fm->fm_length = FIEMAP_MAX_OFFSET;
  fm->fm_flags = 0;  // not FIEMAP_FLAG_SYNC: no writeback
  fm->fm_extent_count = kExtentsMax;
  if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) return false;
  slot->layout_extents = static_cast<int32_t>(fm->fm_mapped_extents);
  for (uint32_t i = 0; i < fm->fm_mapped_extents && i < kExtentsMax; ++i) {
    const fiemap_extent& e = fm->fm_extents[i];
    slot->extents[i][0] = e.fe_logical;
    slot->extents[i][1] = e.fe_physical;
    slot->extents[i][2] = e.fe_length;
    slot->extents[i][3] = e.fe_flags;
  }
  return true;
}

void RunOp(const Op& op, ActorContext& ctx, Slot* slot) {
  switch (models::workload::OpTarget(op.code)) {
    case models::workload::Target::kMap:
      RunMapOp(op, ctx, slot);
      return;
    case models::workload::Target::kFile:
      RunFileOp(op, ctx, slot);
      return;
    case models::workload::Target::kNone:
      if (op.code == OpCode::kSfence) asm volatile("sfence" ::: "memory");
      if (op.code == OpCode::kUnbind) {
        Unbind(ctx.unbind, slot);
        return;
      }
      slot->kind = Slot::kOk;
      return;
    case models::workload::Target::kBarrier:
      pthread_barrier_wait(ctx.barriers.at(op.barrier));
      slot->kind = Slot::kOk;
      return;
  }
}

}  // namespace daxsim::kernel::internal
