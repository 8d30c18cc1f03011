#include "props/dax/protects.h"

#include <string_view>
#include <utility>

namespace daxsim::props {

namespace {

constexpr std::pair<std::string_view, std::string_view> kInvariants[] = {
    {"I10 ",
     "no user mapping of a device page outlives the device (kill_dax): a fault that "
     "passed dax_direct_access() before the unbind must not install after its unmap"},
    {"I11 ",
     "no write lands through a mapping or a pin that does not permit it (a read-only "
     "PTE, a read pin, a private mapping's file page)"},
    {"I1 ",
     "a PTE or PMD maps only a block that is still the file's, at the page it maps: "
     "truncate and hole punch unmap before they free, so users never reach a freed or "
     "reused block"},
    {"I2 mapping beyond",
     "no page of a file mapping lies at or beyond EOF: faults past i_size "
     "get SIGBUS, and truncate unmaps (COW copies too) before it returns"},
    {"I2 ",
     "every DAX mapping has its entry in the mapping's XArray, holding the pfn it maps: "
     "writeback, truncate and the busy-page scan find mappings through their entries"},
    {"I3 ",
     "an index is covered by a PMD entry or by PTE entries, never both, and no PTE is "
     "installed under a huge PMD (the PMD/PTE collision class)"},
    {"I4 ",
     "every locked DAX entry is unlocked by its holder and every waiter on it is woken "
     "(the entry lock is a bit in the XArray with hashed wait queues)"},
    {"I5 ",
     "a writable shared mapping sits only over a DIRTY entry, so fsync/msync write back "
     "what users store through it (dax_writeback_mapping_range() walks DIRTY entries)"},
    {"I6 ",
     "no block reaches a user mapping before it is zeroed or written: users never read "
     "another file's old data"},
    {"I7 ",
     "no zero-page mapping survives the allocation of a real block at its offset, or "
     "users keep reading zeroes over written data"},
    {"I8 ",
     "a page pinned for DMA (get_user_pages) keeps its block: no truncate or punch frees "
     "or reuses it while pinned, and fsdax never holds a FOLL_LONGTERM pin"},
    {"I9 ",
     "user-visible results: loads and reads return the bytes the workload expects, and "
     "no access inside i_size gets SIGBUS"},
    {"nrpages",
     "mapping->nrpages counts exactly the pages the file's DAX entries cover "
     "(clear_inode() BUG_ONs otherwise)"},
    {"durability",
     "what fsync/msync covered survives a power failure, and MAP_SYNC stores that "
     "were flushed and fenced survive without fsync"},
    {"recovery",
     "after a power failure and recovery no block belongs to two files, no file "
     "shows another file's or stale data"},
    {"linearizability",
     "every call's result is explained by some order of the calls consistent "
     "with real time, under the reference semantics (props/spec)"},
};

std::string_view ByKind(sim::ViolationKind k) {
  switch (k) {
    case sim::ViolationKind::kDeadlock:
      return "progress: the actors' locks and waits never form a cycle";
    case sim::ViolationKind::kLostWakeup:
      return "progress: a sleeper whose condition came true was woken (no lost wake-up)";
    case sim::ViolationKind::kStepBudget:
      return "progress: every operation finishes in a bounded number of steps (no livelock)";
    case sim::ViolationKind::kSleepInAtomic:
      return "no sleep with a spinlock held or preemption disabled (might_sleep)";
    case sim::ViolationKind::kLockOrder:
      return "lockdep: every pair of lock classes is always taken in one order";
    case sim::ViolationKind::kLockMisuse:
      return "locks are released by their holders, and none is held on return to user space";
    case sim::ViolationKind::kAssertion:
      return "the kernel's own assertions (BUG_ON/WARN_ON) as the model states them";
    default:
      return "";
  }
}

}  // namespace

std::string Protects(const sim::Violation& v) {
  if (!v.found()) return "";
  if (v.kind == sim::ViolationKind::kInvariant) {
    // A check shared by several invariants leads with its key: "I1/I2/I5/I6 mappings: I1 ...".
    std::string_view m = v.message;
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& [prefix, text] : kInvariants) {
        if (m.rfind(prefix, 0) == 0) return std::string(text);
      }
      if (m.rfind(v.key + ": ", 0) != 0) break;
      m.remove_prefix(v.key.size() + 2);
    }
  }
  return std::string(ByKind(v.kind));
}

}  // namespace daxsim::props
