// The reference semantics: a sequential specification of what a user can observe on a DAX
// filesystem, independent of the model's kernel code. A State holds each file's bytes and size,
// each mapping (private ones with their copy-on-write pages), pins and the error state; Step()
// says whether a call may have an observed outcome when it takes effect atomically in a state,
// and applies its effect. props/spec/linearize.h searches for an order of a concurrent
// history's calls that Step() accepts, consistent with real time.
//
// Granularity: loads and stores through mappings are one call per page (the CPU's accesses);
// read(2) and write(2) are one call per page they copy (a syscall is not atomic with respect to
// loads and stores through mappings), the last one carrying the short count's reason (EOF).
// Where the semantics leaves a choice to the filesystem, the bytes are unknown (bytes.h).
// Errors that depend on what the semantics does not track (ENOSPC, a bad block, a dead device)
// are accepted when the call is *excused*: the recorder marks a call excused when the model ran
// out of space during it or the workload injects media errors or unbinds. A memory failure
// (madvise(MADV_HWPOISON)) changes nothing a user observes afterwards on 6.1 and excuses nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "props/spec/bytes.h"

namespace daxsim::props::spec {

inline constexpr uint64_t kPage = 4096;

struct File {
  uint64_t size = 0;
  Bytes bytes;  // the file's data; past `size`, the EOF page's tail as mappings see it
  friend bool operator==(const File&, const File&) = default;
};

struct Mapping {
  uint64_t ino = 0;
  uint64_t offset = 0, length = 0;  // file range, page aligned
  bool shared = true, writable = true;
  bool live = true;
  std::map<uint64_t, Bytes> cow;  // private: file page -> its private copy (page-relative bytes)
  // Copies a write fault has taken and not yet installed (kCowCopy, then kCow).
  std::map<uint64_t, Bytes> pending_cow;
  friend bool operator==(const Mapping&, const Mapping&) = default;
};

// A write pin of one page: where the device's DMA will land when it completes.
struct Pin {
  uint64_t map = 0, page = 0;  // mapping id and file page
  bool attached = true;        // the page still holds the pinned block (or private copy)
  friend bool operator==(const Pin&, const Pin&) = default;
};

struct State {
  std::map<uint64_t, File> files;    // by inode number
  std::map<uint64_t, Mapping> maps;  // by mapping id
  std::map<uint64_t, Pin> pins;      // by pin id
  friend bool operator==(const State&, const State&) = default;
};

enum class Kind {
  kMmap,        // map: creates mapping `map` of `ino` [offset, offset+length) (shared, writable)
  kMunmap,      // map
  kDontneed,    // map, offset/length: MADV_DONTNEED
  kLoad,        // map, file offset, length -> bytes | SIGBUS | SIGSEGV
  kStore,       // map, file offset, length, value -> ok | SIGBUS | SIGSEGV
  kPin,         // map, file page offset, writable (FOLL_WRITE), fast, longterm -> ok (pin id) |
                //   -EFAULT | -EOPNOTSUPP (longterm) | -ENOMEM
  kUnpin,       // pin id, value: the DMA writes the whole page (if writable), then the pin is
                // dropped
  kRead,        // ino, offset, length (one page's part) -> bytes; `eof`: the read stops here
  kWrite,       // ino, offset, length, value (one page's part)
  kWriteError,  // ino: write(2) failed before copying anything (excused only)
  kTruncate,    // ino, offset = new size -> ret
  kFallocate,   // ino, offset, length -> ret
  kPunch,       // ino, offset, length -> ret
  kZeroRange,   // ino, offset, length -> ret
  kSync,        // ino: fsync(2) or msync(2) -> ret
  kCow,         // map, file offset: the write fault of a private mapping installs the copy its
                // kCowCopy took (if no copy is there yet and the page is inside EOF); the store
                // or pin that needed it comes after
  kCowCopy,     // map, file offset: that fault copies the file's page (comes before its kCow)
  kStat,        // ino -> ret = st_size
};
const char* KindName(Kind k);

struct Call {
  Kind kind = Kind::kLoad;
  uint64_t ino = 0;
  uint64_t map = 0;  // mapping id (map calls)
  uint64_t pin = 0;  // pin id (pin, unpin)
  uint64_t offset = 0, length = 0;
  uint8_t value = 0;
  bool shared = true;     // kMmap
  bool writable = true;   // kMmap: PROT_WRITE; kPin: FOLL_WRITE (a read pin: a read fault, no
                          // copy-on-write); kUnpin: the device wrote `value` (else no data)
  bool fast = true;       // kPin: get_user_pages_fast() (else the slow path alone)
  bool longterm = false;  // kPin: FOLL_LONGTERM
};

struct Outcome {
  enum Signal { kOk, kSigbus, kSigsegv };
  Signal signal = kOk;
  int64_t ret = 0;               // syscalls: 0 or -errno
  std::vector<uint8_t> bytes;    // loads and read chunks; stores and write chunks: the bytes
                                 // written when not `value` (copies through a user buffer)
  bool eof = false;              // read chunk: the read returned a short count ending here
  bool excused = false;          // errors of untracked causes are allowed (see above)
  bool dead_device = false;      // it ended after the device was unbound: bytes read are not
                                 // judged (leftover mappings of a dead device, a README finding)
  bool cow_zero_filled = false;  // a copy-on-write whose copy faulted on a media error and was
                                 // zero-filled (6.1 __wp_page_copy_user; for messages)
  bool zero_page_unmapping = false;  // a load served by the zero page while the file's
                                     // mappings were being unmapped (for messages)
};

// Whether `out` is an outcome `call` may have when it takes effect in `s`; if so its effect is
// applied to `s` (if not, `s` may be partly changed: callers step a copy). `why` gets a reason.
bool Step(State& s, const Call& call, const Outcome& out, std::string* why = nullptr);

// "store m3 +0x1000 len=8 val=0x11 -> SIGBUS" (for messages).
std::string Describe(const Call& call, const Outcome& out);

}  // namespace daxsim::props::spec
