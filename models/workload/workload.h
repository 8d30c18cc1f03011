// The workload language: what user programs do to a DAX filesystem (files set up before the
// run, then actors issuing mmap/load/store/fsync/truncate/... concurrently). This file holds the
// AST, the parser and the printer of its text form; library.h names the stock workloads. The
// executor that runs a workload against the simulated kernel lives elsewhere.
//
// ## Text format
// Line-oriented. `#` starts a comment (outside a quoted string); blank lines are ignored;
// indentation is free. Words are separated by blanks; `key=value` words may come in any order
// after the operands. Errors are one line: `<source>:<line>: <what is wrong>`.
//
//   NUMBER  decimal `4096`, hex `0x1000`, optionally followed by K (KiB) or M (MiB): `4K`,
//           `2M`, `0x10K`. VALUE is a NUMBER in 0..255. RANGE is `NUMBER-NUMBER`, half-open.
//   NAME    [A-Za-z_][A-Za-z0-9_]*, not one of the mmap flag words (shared private sync ro rw).
//
//   workload NAME                 first statement, exactly once
//   description "TEXT"            optional, once, before files and actors; escapes `\"` `\\`
//   params KEY=VALUE...           optional, once, before files and actors: model parameters the
//                                 workload needs (e.g. `wait_bits=1`); `--params` overrides them
//   file NAME size=N [written=RANGE [fill=VALUE] [phys=P]]... [unwritten=RANGE [phys=P]]...
//             [place=RANGE@P]...
//                                 N <= 64M. Extents: page aligned, ascending, disjoint, inside
//                                 the file's pages; written = allocated and holding `fill` on
//                                 media (default 0); unwritten = allocated, reads as zeroes;
//                                 elsewhere a hole. `fill=` and `phys=` apply to the extent
//                                 before them: phys= pins it at device byte offset P (page
//                                 aligned, below 1G). place= pins the blocks allocated during the
//                                 run for file RANGE at P onwards (ascending, disjoint ranges;
//                                 the model's allocator is used where the blocks are taken).
//                                 All files come before the first actor (at most 8 files).
//   actor NAME [mm=NAME]          starts an actor; the ops below belong to it. 1..8 actors,
//                                 1..64 ops each. Actors with the same mm are threads of one
//                                 process; the default mm is the actor's own name.
//
// Operations (FILE may be omitted and defaults to `f`; MAP names a mapping; OFF and L are
// NUMBERs; len=0 is never allowed):
//   mmap MAP [FILE] [off=OFF] len=L [shared|private] [sync] [ro|rw] [addr=A]
//                          OFF and L page aligned, OFF+L <= 64M; default shared, rw;
//                          sync = MAP_SHARED_VALIDATE|MAP_SYNC (implies shared);
//                          addr = MAP_FIXED_NOREPLACE at A (page aligned, the mapping inside
//                          [0x40000000, 0x60000000), never overlapping another addr= of the
//                          mm); without it the address is the kernel's thp_get_unmapped_area()
//   munmap MAP
//   load MAP OFF len=L [expect=VALUE|SIGNAL|ok]
//                                       read L bytes; with expect=VALUE, each must equal VALUE
//   store MAP OFF len=L val=VALUE [expect=SIGNAL|ok]   write L bytes of VALUE
//   clwb MAP OFF len=L                  write back the cache lines of the range
//   sfence
//   msync MAP OFF len=L                 MS_SYNC
//   madvise_dontneed MAP OFF len=L      MADV_DONTNEED (zap the range's page tables)
//   pin MAP OFF len=L [ro|rw] [fast|slow] [longterm]
//                                       get_user_pages, held. rw (default): FOLL_WRITE, a pin the
//                                       device writes through (an O_DIRECT read into the
//                                       mapping; a private page is copied first); ro: a read pin
//                                       (an O_DIRECT write from the mapping, vmsplice(2)): no
//                                       FOLL_WRITE, no copy-on-write, allowed on ro mappings.
//                                       fast (default): get_user_pages_fast(), the lockless
//                                       walk, falling back to the slow path for what it cannot
//                                       take; slow: get_user_pages() under mmap_lock. longterm:
//                                       FOLL_LONGTERM (io_uring buffer registration, RDMA):
//                                       EOPNOTSUPP on these (fsdax) mappings, except what the
//                                       fast walk takes first (an anonymous copy, the huge zero
//                                       page). Fails with EFAULT (no mapping, a write pin of a
//                                       read-only one, a page beyond EOF) or ENOMEM.
//   unpin MAP OFF len=L [val=VALUE]     the I/O completes: the device writes VALUE into the
//                                       pages an earlier rw pin of the range holds (wherever
//                                       their blocks now are; nothing without val=, and nothing
//                                       into ro-pinned pages), then unpins (pairing unchecked;
//                                       the oldest pin of each page; pins an actor still holds
//                                       when it ends are released then, without data)
//   poison MAP OFF                      MADV_HWPOISON on the page holding OFF
//   read FILE OFF len=L [expect=VALUE|ERRNO|ok] [ret=N]   pread(2)
//   write FILE OFF len=L val=VALUE [expect=ERRNO|ok] [ret=N]   pwrite(2)
//   write FILE OFF len=L from=MAP+BOFF [expect=ERRNO|ok] [ret=N]
//   read FILE OFF len=L to=MAP+BOFF [...]
//                                       the user buffer is BOFF bytes into mapping MAP (one the
//                                       actor may name, BOFF+L inside it): copy_from_user /
//                                       copy_to_user fault on it inside the call, with the
//                                       call's locks held; a fault that fails ends the copy
//                                       (a short count, or EFAULT if nothing was copied)
//   falloc FILE OFF len=L               fallocate(mode 0): allocate, may extend i_size
//   punch FILE OFF len=L                FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE
//   zero_range FILE OFF len=L           FALLOC_FL_ZERO_RANGE|FALLOC_FL_KEEP_SIZE
//   truncate FILE SIZE                  ftruncate to SIZE (0 allowed)
//   fsync FILE
//   size FILE [expect=N]                fstat(2): with expect, st_size must be N
//   badblock FILE OFF                   media error under the file block holding OFF (if any)
//   scrub                               ARS scrub: clear known-bad blocks by rewriting them
//   unbind                              device unbind (kill_dax): later direct access fails
//   crash                               power failure, then recovery
//   barrier NAME                        wait until every actor that names barrier NAME has
//                                       reached it (pthread_barrier_wait in the real-kernel
//                                       runner). Each such actor names it once; at least two
//                                       actors do; the actors meet their barriers in one order;
//                                       at most 32 barriers
// Expected results (checked by the model, where an unmet one is an I9 violation, and by the
// real-kernel runner): SIGNAL is SIGBUS or SIGSEGV, on load, store and clwb; ERRNO is an
// errno name (EIO, ENOSPC, EINVAL, ...), and `ok` success without error or signal, on every op
// that has a result but sfence, badblock, scrub, unbind and crash; ret=N is the byte count
// read(2) or write(2) returns (not with expect=ERRNO).
// For a map op, OFF+L must lie inside the mapping; for a file op, OFF+L <= 64M. A map op names
// a mapping that this actor mmapped earlier and has not munmapped, or a *setup mapping* of its
// mm (below). An mmap may not reuse the name of a live mapping.
//
// FormatWorkload prints the canonical form: the statements above in this order, keys in the
// order shown, every optional key spelled out (mmap's file, off= and shared|private|sync), ops
// indented by two spaces, sizes as `4K`/`2M` (decimal below 1K, hex when not exact) and
// positional offsets as hex (`0x1000`, or `2M` when exact), bytes as `0x11`, no comments.
//
// ## Execution model (the executor's contract)
// Setup, before any actor runs: create the files; then, for each actor in order, perform its
// leading mmaps (the mmap ops before its first other op). Like a program that maps its file and
// then spawns threads, these *setup mappings* are visible to every actor of the same mm. All
// other ops run concurrently, each actor's in order.
//
// Example:
//   workload fault_vs_truncate
//   description "write faults by two threads race with truncate to zero"
//   file f size=8M                  # i_size 8 MiB, all holes
//   file g size=4M written=0-2M fill=0xaa
//   actor T1 mm=P
//     mmap m f off=0 len=2M shared  # a setup mapping: T2, a thread of P, uses it too
//     store m 0x1000 len=8 val=0x11
//     load m 0x1000 len=8 expect=0x11
//   actor T2 mm=P
//     store m 0x2000 len=8 val=0x22
//   actor T3
//     truncate f 0
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace daxsim::models::workload {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPmdSize = 2 << 20;
inline constexpr uint64_t kFileSizeMax = 64 << 20;       // also bounds every file op's OFF+L
inline constexpr uint64_t kPhysMax = uint64_t{1} << 30;  // phys= and place= device offsets
inline constexpr size_t kFilesMax = 8;
inline constexpr size_t kActorsMax = 8;
inline constexpr size_t kOpsPerActorMax = 64;
inline constexpr size_t kBarriersMax = 32;

enum class OpCode {
  // Map ops: the operand is a mapping (mmap also names a file).
  kMmap,
  kMunmap,
  kLoad,
  kStore,
  kClwb,
  kSfence,  // no operand, but belongs with the CPU's persistence ops
  kMsync,
  kMadviseDontneed,
  kPin,
  kUnpin,
  kPoison,
  // File ops: the operand is a file.
  kRead,
  kWrite,
  kFallocate,
  kPunchHole,
  kZeroRange,
  kTruncate,
  kFsync,
  kSize,  // fstat(2): the file's i_size
  kInjectBadBlock,
  // Whole-machine ops: no operand.
  kScrub,
  kUnbind,
  kCrash,
  // User synchronisation: the operand is a barrier name.
  kBarrier,
};

// What an op's operand names.
enum class Target { kNone, kMap, kFile, kBarrier };

std::string_view OpName(OpCode code);  // its text keyword: "madvise_dontneed", "punch", ...
Target OpTarget(OpCode code);          // kMmap is kMap (it also names a file)

// The window fixed mapping addresses (addr=) must lie in: the model's whole mmap area (1 GiB to
// 1.5 GiB, sim/vm Mm), free in a static runner's address space too.
inline constexpr uint64_t kFixedAddrMin = uint64_t{1} << 30;
inline constexpr uint64_t kFixedAddrEnd = kFixedAddrMin + (uint64_t{512} << 20);

struct Op {
  OpCode code = OpCode::kSfence;
  int line = 0;         // source line (1-based) for messages; 0 if built in code. Not compared.
  std::string map;      // mapping name (map ops, mmap included); "" otherwise
  std::string file;     // file name: file ops, mmap, and map ops (resolved by the parser to the
                        // mapping's file); "" for sfence/scrub/unbind/crash/barrier
  std::string barrier;  // barrier: its name; "" otherwise
  uint64_t offset = 0;  // bytes; mapping-relative for map ops, file offset for mmap (off=) and
                        // file ops; new i_size for truncate; 0 for munmap and operand-less ops
  uint64_t length = 0;  // bytes (len=); 0 for ops without len (munmap, poison, badblock, ...)
  uint64_t value = 0;   // store/write/unpin byte (val=); expected byte for load/read if expect
  bool expect = false;  // load/read: check every byte read equals `value`
  // The result the op must have, in the op log's words (ResultMatches): "SIGBUS", "SIGSEGV",
  // "ok", "err=ENAME", "ret=N" (read/write count), "size=N" (size); "" for none.
  std::string result;
  bool shared = true;        // mmap: MAP_SHARED (else MAP_PRIVATE)
  bool sync = false;         // mmap: MAP_SYNC (implies shared)
  bool write_access = true;  // mmap: PROT_READ|PROT_WRITE (else PROT_READ); pin: FOLL_WRITE
                             // (rw: the device writes the pages), else a read pin (ro)
  bool gup_fast = true;      // pin: get_user_pages_fast() (else get_user_pages(), slow)
  bool longterm = false;     // pin: FOLL_LONGTERM (refused on fsdax: EOPNOTSUPP)
  // read/write: the user buffer is `buf_offset` bytes into mapping `buf_map` (to=/from=
  // MAP+OFF): the copy faults on it inside the system call; "" for a buffer of the process's
  // own (write: `value` bytes; read: discarded).
  std::string buf_map;
  uint64_t buf_offset = 0;
  bool dma = true;  // unpin: the device writes `value` into write-pinned pages (val=
                    // given); false: it transfers nothing into them
  // mmap: the fixed address (addr=, MAP_FIXED_NOREPLACE), page aligned, the mapping inside
  // [kFixedAddrMin, kFixedAddrEnd); 0: the kernel's choice (thp_get_unmapped_area()).
  uint64_t addr = 0;

  friend bool operator==(const Op& a, const Op& b);  // every field but `line`
};

struct Actor {
  std::string name;     // unique in the workload
  std::string mm;       // address space; actors with equal mm are threads of one process
  std::vector<Op> ops;  // in program order, 1..kOpsPerActorMax
  friend bool operator==(const Actor&, const Actor&) = default;
};

// Whether an op whose result reads `what` ("ok", "ret=N", "err=ENAME", "SIGBUS", "SIGSEGV",
// "size=N": the op log's words, the model's and the real kernel's alike) meets `expected`
// (Op::result): equal, or `expected` is "ok" and the call returned without error or signal.
bool ResultMatches(std::string_view expected, std::string_view what);

// Leading mmaps of `actor` (performed during setup; see the execution model above).
size_t SetupOpCount(const Actor& actor);

struct FileSetup {
  struct Extent {
    enum Kind { kWritten, kUnwritten };
    uint64_t offset = 0, length = 0;  // page aligned, length > 0
    Kind kind = kWritten;
    uint8_t fill = 0;  // every byte of a written extent; 0 for unwritten
    // phys=: where on the device the extent lies (byte offset, page aligned, as FIEMAP's
    // fe_physical), or nullopt: the model's allocator places it.
    std::optional<uint64_t> phys;
    friend bool operator==(const Extent&, const Extent&) = default;
  };
  // place=START-END@PHYS: blocks the filesystem allocates during the run for file bytes
  // [offset, offset + length) come from the device at phys + (file offset - offset) (a recorded
  // allocation list, keyed by file offset: the layout a real kernel chose), when free.
  struct Place {
    uint64_t offset = 0, length = 0, phys = 0;  // page aligned, length > 0
    friend bool operator==(const Place&, const Place&) = default;
  };
  std::string name;             // unique in the workload
  uint64_t size = 0;            // i_size in bytes, <= kFileSizeMax
  std::vector<Extent> extents;  // ascending, disjoint, inside the file's pages; rest is holes
  std::vector<Place> places;    // ascending, disjoint, within kFileSizeMax
  friend bool operator==(const FileSetup&, const FileSetup&) = default;
};

struct Workload {
  std::string name;
  std::string description;       // one line, may be empty
  std::string params;            // "k=v,k=v" model parameters (checked by the model), or empty
  std::vector<FileSetup> files;  // 0..kFilesMax
  std::vector<Actor> actors;     // 1..kActorsMax
  friend bool operator==(const Workload&, const Workload&) = default;
};

// Each barrier the workload names, with the number of actors that meet it, by name.
std::map<std::string, int> BarrierParties(const Workload& w);

// Parses and checks the text form. Errors: InvalidArgument, one line,
// "<source_name>:<line>: <what is wrong>".
absl::StatusOr<Workload> ParseWorkload(std::string_view text, std::string_view source_name);

// The canonical text of a valid workload: ParseWorkload(FormatWorkload(w)) == w.
std::string FormatWorkload(const Workload& workload);

// Reads and parses a file; a read error is one line "<path>: <reason>".
absl::StatusOr<Workload> LoadWorkloadFile(const std::string& path);

}  // namespace daxsim::models::workload
