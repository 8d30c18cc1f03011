// The named workload library. Each entry is the body of a workload (files and actors); the
// `workload` and `description` lines are prepended from the entry. PMD workloads assume the
// executor places mappings of 2 MiB or more at 2 MiB-aligned addresses.
#include "models/workload/library.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace daxsim::models::workload {
namespace {

struct Entry {
  const char* name;
  const char* description;
  const char* source;
  const char* body;
};

const Entry kEntries[] = {
    {"fault_vs_truncate", "a write fault on a written block races with truncate to zero",
     "DAX.md §7 bug 1 (283307c7607d)", R"(
file f size=8K written=0-8K fill=0x5a
actor T1
  mmap m f len=8K
  store m 0x1000 len=8 val=0x11   # SIGBUS once truncate has run; never maps a freed block
  load m 0x1000 len=8
actor T2
  truncate f 0
)"},
    {"fault_vs_punch", "a fault re-maps a block that a racing hole punch then frees and reuses",
     "DAX.md §7 bug 3 (CVE-2015-8839, ea3d7209ca01, de0e8c20ba3a)", R"(
file f size=8K written=0-8K fill=0x5a
file g size=8K
actor T1
  mmap m f len=8K
  load m 0 len=8
  store m 0 len=8 val=0x11        # through a stale mapping this would corrupt g's new block
actor T2
  punch f 0 len=4K
  fsync f                         # commits the free: the block may now be reused
actor T3
  write g 0 len=4K val=0x22       # may be given the block punched from f
  read g 0 len=4K expect=0x22
)"},
    {"read_fault_hole_then_write",
     "a read fault maps the zero page for a hole; a write fault in another process allocates",
     "DAX.md §7 bug 4 (ac401cc78242); invariant: no zero-page mapping survives allocation", R"(
file f size=4K
actor R
  mmap m f len=4K
  load m 0 len=8                  # zero page (or the new block)
  load m 0x800 len=8              # must not still read the zero page after W's store
actor W
  mmap m f len=4K
  store m 0 len=8 val=0x11
  load m 0 len=8 expect=0x11
)"},
    {"two_write_faults_hole", "two threads take first-touch write faults on one hole page",
     "S03 (generic/340 holetest); DAX.md §7 bug 2 (843172978bb9, 1ca191576fc8)", R"(
file f size=4K
actor W1 mm=P
  mmap m f len=4K                 # setup mapping, shared by both threads
  store m 0x400 len=8 val=0x11
  load m 0x400 len=8 expect=0x11  # lost if W2's fault zeroes the block again
actor W2 mm=P
  store m 0xc00 len=8 val=0x22
  load m 0xc00 len=8 expect=0x22
)"},
    {"pmd_vs_pte_same_range",
     "PMD and PTE faults collide in one private 2 MiB mapping shared by two threads",
     "S02 (generic/437); DAX.md §7 bug 11", R"(
file f size=2M written=0-2M fill=0x5a
actor T1 mm=P
  mmap m f len=2M private
  load m 0 len=8                  # PMD read fault
  store m 0 len=8 val=0x11        # private write: falls back to a PTE COW
  madvise_dontneed m 0 len=2M
actor T2 mm=P
  load m 0 len=8
  store m 0 len=8 val=0x22
  madvise_dontneed m 0 len=2M
)"},
    {"pmd_waits_on_pte_entry",
     "a PMD fault meets a locked PTE entry inside its 2 MiB range (wait-queue buckets differ)",
     "DAX.md §7 bugs 12 (23c84eb78375), 13 (61c30c98ef17), 18 (0e40de0338d0)", R"(
file f size=2M
actor A
  mmap m f off=4K len=4K          # PTE-only mapping of index 1
  store m 0 len=8 val=0x11
actor B
  mmap m f len=2M                 # PMD-eligible mapping of the same range
  store m 0 len=8 val=0x22
actor C
  mmap m f len=2M
  load m 0x1000 len=8
)"},
    {"pmd_fault_vs_pte_fault",
     "one PMD write fault and one PTE write fault race on one 2 MiB range (exhaustive variant)",
     "S02 reduced; DAX.md §7 bugs 11, 12 (23c84eb78375)", R"(
file f size=2M
actor A
  mmap m f off=4K len=4K          # PTE-only mapping of index 1
  store m 0 len=8 val=0x11
actor B
  mmap m f len=2M                 # PMD-eligible: falls back if A's PTE entry is there
  store m 0x1000 len=8 val=0x22
  load m 0x1000 len=8             # A's or B's value, never a zero page
)"},
    {"pmd_hole_vs_pte_write",
     "a PTE write fault allocates inside a 2 MiB hole another mapping reads through a PMD",
     "DAX.md §7 bug 4 and the PMD downgrade in grab_mapping_entry (exhaustive variant)", R"(
file f size=2M
actor A
  mmap m f off=4K len=4K          # PTE-only mapping of index 1
  store m 0 len=8 val=0x11
actor B
  mmap m f len=2M ro
  load m 0 len=8                  # PMD zero page, or PTE zero page after the downgrade
  load m 0x1000 len=8             # never the zero page once A's block is mapped
)"},
    {"write_vs_read_fault_hole",
     "write(2) allocates and fills a hole while a read fault on it is mapping the zero page",
     "DAX.md §7 bug 10 (13e451fdc1af, 876f29460cbd); e3fce68cdbed", R"(
file f size=4K
actor R
  mmap m f len=4K ro
  load m 0 len=8                  # must not map the zero page after write(2) allocated
  load m 0 len=8
actor W
  write f 0 len=8 val=0x22
  read f 0 len=8 expect=0x22
)"},
    {"writeback_vs_store",
     "fsync (write-protect, flush, clean) races a first-touch and a re-dirtying store; then crash",
     "DAX.md §8 (stores before fsync are durable); S11 for PTEs", R"(
file f size=4K
actor T1 mm=P
  mmap m f len=4K
  store m 0 len=8 val=0x11        # allocating write fault
  store m 0x800 len=8 val=0x33    # after a writeback: must fault and re-dirty the entry
actor T2 mm=P
  fsync f                         # cleans the entry between or during T1's faults
  fsync f                         # flushes every store that completed before it started
  crash
)"},
    {"fsync_vs_msync",
     "two writebacks of one file race: msync may return before the other one has flushed",
     "finding (to confirm): dax_writeback_mapping_range() TOWRITE walk, no PG_writeback wait", R"(
file f size=8K
actor T1
  mmap m f len=8K
  store m 0 len=8 val=0x11
  store m 0x1000 len=8 val=0x22
  msync m 0 len=8K
  crash
actor T2
  fsync f                         # clears TOWRITE on entries T1's msync tagged, then flushes
)"},
    {"pfn_mkwrite_vs_fsync",
     "the first store after a read fault (pfn_mkwrite) races fsync's clean and write-protect",
     "DAX.md §7 bug 8 (2f89dc12a25d); S12", R"(
file f size=4K written=0-4K
actor T1
  mmap m f len=4K
  load m 0 len=8                  # read-only PTE
  store m 0 len=8 val=0x11        # pfn_mkwrite
actor T2
  fsync f                         # races the mkwrite
  fsync f                         # must flush the store if it completed before this started
  crash
)"},
    {"pmd_fsync_twice", "store, fsync, store again in the same PMD, fsync: both stores durable",
     "S11; DAX.md §7 bug 9 (f729c8c9b24f)", R"(
file f size=2M written=0-2M
actor T1
  mmap m f len=2M
  store m 0 len=8 val=0x11
  fsync f                         # must write-protect the PMD in every VMA
  store m 0x1000 len=8 val=0x22   # so this faults and re-dirties the entry
  fsync f
  crash
actor R
  mmap m f len=2M                 # a second VMA on the same PMD entry
  load m 0 len=8
  store m 0x2000 len=8 val=0x33
)"},
    {"three_readers_hole",
     "three read faults on one hole page: every waiter on the entry must be woken",
     "DAX.md §7 bug 6 (965d004af540)", R"(
file f size=4K
actor R1
  mmap m f len=4K ro
  load m 0 len=8
actor R2
  mmap m f len=4K ro
  load m 0 len=8
actor R3
  mmap m f len=4K ro
  load m 0 len=8
)"},
    {"cow_fault_vs_truncate",
     "a first private write fault (copy-on-write) races truncate of the page it copies",
     "DAX.md §7 bug 5 (bc2466e42573); S04", R"(
file f size=8K written=0-8K fill=0x5a
actor P
  mmap m f len=8K private
  store m 0x1000 len=8 val=0x11   # SIGBUS, or a COW copy that truncate then unmaps
actor T
  truncate f 4K
)"},
    {"fsyncs_wait_vs_truncate",
     "truncate waits for an entry under writeback while two more fsyncs run (6.1's writeback "
     "skips a locked entry; with locked_entries=2 the fsyncs wait too): every waiter must wake",
     "DAX.md §7 bug 15 (237388320def)", R"(
file f size=4K written=0-4K
actor T
  mmap m f len=4K
  store m 0 len=8 val=0x11        # dirty entry
  truncate f 0                    # waits for the entry, deletes it, must wake the others
actor W1
  fsync f
actor W2
  fsync f
actor W3
  fsync f
)"},
    {"write_invalidation_vs_faults",
     "write(2) fills a hole and invalidates its zero-page entry while two read faults hold and "
     "wait for it: every waiter must wake",
     "DAX.md §7 bug 13 (61c30c98ef17)", R"(
file f size=4K
actor R1
  mmap m f len=4K ro
  load m 0 len=8                  # holds the zero-page entry while mapping it
actor W
  write f 0 len=8 val=0x22        # IOMAP_F_NEW: invalidates the entry, waits for R1
actor R2
  mmap m f len=4K ro
  load m 0 len=8                  # waits for the entry too: must be woken
)"},
    {"pin_vs_truncate",
     "truncate races an O_DIRECT read whose buffer is a DAX mapping, while another file allocates",
     "S05 (generic/503); DAX.md §7 bug 16 (5fac7408d828)", R"(
file f size=8K written=0-8K
file g size=8K
actor D
  mmap m f len=8K
  pin m 0 len=4K                  # get_user_pages for the DMA
  unpin m 0 len=4K val=0x44       # the device writes, then the pins drop
actor T
  truncate f 0                    # must wait for the pins before freeing blocks
  fsync f                         # commits the free: the block may now be reused
actor F
  write g 0 len=4K val=0x33
  read g 0 len=4K expect=0x33     # never overwritten by D's DMA
)"},
    {"cow_private_vs_truncate", "a private COW write fault races truncate of the file page",
     "DAX.md §7 bug 5 (bc2466e42573); S04", R"(
file f size=8K written=0-8K fill=0x5a
actor P
  mmap m f len=8K private
  load m 0x1000 len=8
  store m 0x1000 len=8 val=0x11   # COW page must not be installed after truncate
  load m 0x1000 len=8
actor T
  truncate f 4K
)"},
    {"map_sync_crash",
     "MAP_SYNC write faults by two threads, crash at any point: fault-time metadata durable",
     "S08 (generic/470), S09", R"(
file f size=8K
actor T1 mm=P
  mmap m f len=8K sync
  store m 0 len=8 val=0x11
  clwb m 0 len=8
  sfence                          # flushed and fenced: must survive
  store m 0x1000 len=8 val=0x22   # block durable, data may be zero
actor T2 mm=P
  store m 0x8 len=8 val=0x33      # same page, racing T1's sync fault
actor C
  crash
)"},
    {"store_beyond_eof", "a PMD mapping is truncated to 1 MiB under stores at its end",
     "DAX.md §8 (faults at or beyond EOF get SIGBUS); PMD fallback when crossing EOF", R"(
file f size=2M written=0-2M
actor T1
  mmap m f len=2M
  load m 0 len=8
  store m 0x1ff000 len=8 val=0x11 # SIGBUS after truncate
  store m 0x1000 len=8 val=0x22   # below EOF: a PTE, never a PMD crossing EOF
actor T2
  truncate f 1M
)"},
    {"fsync_then_crash",
     "an unaligned 11-byte write(2), fsync, crash, racing an append: the 11 bytes survive",
     "S13 (Vinter HelloWorld)", R"(
file f size=0
actor T1
  write f 0 len=11 val=0x48
  fsync f
  crash
actor T2
  write f 11 len=5 val=0x57
  fsync f
)"},
    {"store_no_fsync_crash",
     "mapped stores and a write(2) with no fsync, then crash: loss allowed, no foreign data",
     "S24 (b) and S08 without MAP_SYNC", R"(
file f size=4K written=0-4K fill=0x5a
actor T1
  mmap m f len=4K
  store m 0 len=8 val=0x11
  store m 0x40 len=8 val=0x22
  crash
actor T2
  write f 0x800 len=8 val=0x33
)"},
    {"zero_length_pmd", "stores to a 2 MiB mapping of an empty file must get SIGBUS",
     "DAX.md §7 bug 17 (957ac8c421ad)", R"(
file f size=0
actor T1 mm=P
  mmap m f len=2M
  store m 0 len=8 val=0x11        # SIGBUS: i_size is 0
actor T2 mm=P
  load m 0x1000 len=8             # SIGBUS
)"},
    {"invalidate_dirty_entry",
     "write(2) invalidates a range holding a dirty, unmapped entry; fsync then crash",
     "DAX.md §7 bug 7 (c6dcf52c23d2)", R"(
file f size=8K written=0-8K
actor T1
  mmap m f len=8K
  store m 0 len=8 val=0x11
  munmap m                        # entry stays DIRTY, now unmapped
  fsync f                         # must still flush it
  crash
actor T2
  write f 0x800 len=8 val=0x22    # invalidates page 0's range
)"},
    {"faults_wait_vs_truncate",
     "two faults wait on one locked entry while truncate deletes it: all waiters wake",
     "DAX.md §7 bug 15 (237388320def)", R"(
file f size=4K written=0-4K
actor R1
  mmap m f len=4K
  load m 0 len=8
actor R2
  mmap m f len=4K
  store m 0 len=8 val=0x11
actor T
  truncate f 0
)"},
    {"badblock_vs_fault", "a media error appears under a mapped page; scrub clears it",
     "S21 (ndctl pmem-errors)", R"(
file f size=16K written=0-16K
actor T
  mmap m f len=16K
  load m 0 len=8                  # SIGBUS if the bad block is there, never poisoned data
  read f 0 len=4K                 # EIO while the bad block is there
actor E
  badblock f 0
  scrub
)"},
    {"poison_shared_mapping",
     "memory failure on a DAX page mapped by two processes: both mappings are zapped",
     "S22 (xfs/550, ndctl dax-poison)", R"(
file f size=8K written=0-8K
actor P
  mmap m f len=8K
  load m 0 len=8
  load m 0 len=8                  # refaults once Q's poison zapped it; 6.1 still reads the data
actor Q
  mmap m f len=8K
  load m 0 len=8
  poison m 0
)"},
    {"poison_vs_truncate",
     "memory failure and truncate wait on an entry under writeback: both must wake",
     "dax_lock_page()'s non-exclusive wait (25bbe21bf427)", R"(
file f size=4K written=0-4K
actor P
  mmap m f len=4K
  store m 0 len=8 val=0x11        # dirty entry
  poison m 0                      # dax_lock_page waits for the entry
actor W
  fsync f                         # holds the entry while it writes back
actor T
  truncate f 0
)"},
    {"unbind_vs_fault", "device unbind races faults: no mapping outlives the device",
     "S23 (ndctl revoke-devmem)", R"(
file f size=8K written=0-8K
actor T
  mmap m f len=8K
  store m 0 len=8 val=0x11
  load m 0x1000 len=8             # SIGBUS after unbind
actor A
  unbind
)"},
    {"kernel_trace_pmd_fallback",
     "the DAX.md §9 sequence: PMD hole read, PTE write fallbacks, msync (one actor)",
     "DAX.md §9 (Linux 6.1 xfs fs_dax trace); S06", R"(
file f size=8M unwritten=0-8M
actor T
  mmap m f len=4M
  load m 0 len=1
  store m 0x1000 len=1 val=0x11
  store m 2M len=1 val=0x22
  msync m 0 len=4M
)"},
    {"nomem_pmd_downgrade",
     "allocation failure: a PTE fault's node allocation fails after it removed the PMD zero "
     "entry over a hole (xas_nomem, retry, VM_FAULT_OOM) while a thread faults the same range",
     "6.1 grab_mapping_entry() (fs/dax.c), lib/xarray.c xas_nomem()", R"(
params alloc_failures=1
file f size=4M written=0-2M fill=0xaa
actor A mm=P
  mmap m f len=4M
  load m 2M len=8                  # a PMD zero-page entry over the hole at 2M
  store m 0x201000 len=8 val=0x11  # the downgrade, then a new PTE entry's node
  load m 0x201000 len=8
actor B mm=P
  store m 0x202000 len=8 val=0x22
  load m 0x201000 len=8
)"},
    {"nomem_fault_vs_truncate",
     "allocation failure: write faults whose page table or XArray node allocation fails race "
     "with truncate",
     "6.1 __do_fault(), insert_pfn(), grab_mapping_entry()", R"(
params alloc_failures=1
file f size=8K written=0-8K fill=0x5a
actor T1
  mmap m f len=8K
  store m 0x1000 len=8 val=0x11
  load m 0 len=8
actor T2
  truncate f 0x1000
  size f
)"},
    {"nomem_copy_from_user",
     "allocation failure: write(2) whose user buffer is a mapping faulting inside the copy (a "
     "kernel-mode VM_FAULT_OOM ends the copy short) races with a hole punch of that mapping",
     "6.1 arch/x86/mm/fault.c do_user_addr_fault(), kernelmode_fixup_or_oops()", R"(
params alloc_failures=1
file f size=8K
file g size=8K written=0-8K fill=0x77
actor T1
  mmap b g len=8K
  write f 0 len=8K from=b+0
  read f 0 len=8
actor T2
  punch g 0x1000 len=4K
)"},
};

struct SuiteOf {
  const char* workload;
  const char* suite;
};

const SuiteOf kSuites[] = {
    {"read_fault_hole_then_write", "faults"},
    {"two_write_faults_hole", "faults"},
    {"write_vs_read_fault_hole", "faults"},
    {"three_readers_hole", "faults"},
    {"zero_length_pmd", "faults"},
    {"pmd_vs_pte_same_range", "pmd"},
    {"pmd_waits_on_pte_entry", "pmd"},
    {"pmd_fault_vs_pte_fault", "pmd"},
    {"nomem_pmd_downgrade", "alloc"},
    {"nomem_fault_vs_truncate", "alloc"},
    {"nomem_copy_from_user", "alloc"},
    {"pmd_vs_n_pte_faults_2", "scale"},
    {"pmd_vs_n_pte_faults_4", "scale"},
    {"pmd_vs_n_pte_faults_7", "scale"},
    {"pmd_hole_vs_pte_write", "pmd"},
    {"kernel_trace_pmd_fallback", "pmd"},
    {"fault_vs_truncate", "truncate"},
    {"fault_vs_punch", "truncate"},
    {"pin_vs_truncate", "truncate"},
    {"cow_private_vs_truncate", "truncate"},
    {"cow_fault_vs_truncate", "truncate"},
    {"store_beyond_eof", "truncate"},
    {"faults_wait_vs_truncate", "truncate"},
    {"fsyncs_wait_vs_truncate", "truncate"},
    {"write_invalidation_vs_faults", "faults"},
    {"writeback_vs_store", "writeback"},
    {"fsync_vs_msync", "writeback"},
    {"pfn_mkwrite_vs_fsync", "writeback"},
    {"pmd_fsync_twice", "writeback"},
    {"invalidate_dirty_entry", "writeback"},
    {"map_sync_crash", "crash"},
    {"fsync_then_crash", "crash"},
    {"store_no_fsync_crash", "crash"},
    {"badblock_vs_fault", "media"},
    {"poison_shared_mapping", "media"},
    {"unbind_vs_fault", "media"},
    {"poison_vs_truncate", "media"},
};

std::string Suite(const char* name) {
  for (const SuiteOf& s : kSuites) {
    if (std::string_view(s.workload) == name) return s.suite;
  }
  return "";
}

// The scale family (issue 10): N PTE-only mappings storing to pages 1, 3, 5, ..., one 2 MiB
// mapping loading page 0, every entry in one wait-table bucket.
std::string ScaleBody(int n) {
  std::string body = "\nparams wait_bits=1\nfile f size=2M\n";
  for (int i = 1; i <= n; ++i) {
    absl::StrAppend(&body, "actor P", i, "\n  mmap m f off=", 4 * (2 * i - 1),
                    "K len=4K\n  store m 0 len=8 val=", 0x10 + i, "\n");
  }
  absl::StrAppend(&body, "actor H\n  mmap m f len=2M\n  load m 0 len=8\n");
  return body;
}

std::vector<NamedWorkload> Build() {
  std::vector<NamedWorkload> out;
  auto add = [&out](const std::string& name, const std::string& description,
                    const std::string& source, const std::string& body) {
    std::string text = absl::StrCat("workload ", name, "\ndescription \"", description, "\"");
    absl::StrAppend(&text, body);
    out.push_back(NamedWorkload{name, description, source, std::move(text), Suite(name.c_str())});
  };
  for (const Entry& e : kEntries) add(e.name, e.description, e.source, e.body);
  for (int n : {2, 4, 7}) {
    add(absl::StrCat("pmd_vs_n_pte_faults_", n),
        absl::StrCat("scale family: one PMD load fault and ", n,
                     " PTE write faults on odd pages of one 2 MiB range, all in one wait-table "
                     "bucket"),
        "issue 10 (scaling with actors); DAX.md §7 bug 12 (23c84eb78375)", ScaleBody(n));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& SuiteNames() {
  static const auto* const n = new std::vector<std::string>{
      "faults", "pmd", "truncate", "writeback", "crash", "media", "alloc", "scale"};
  return *n;
}

const std::vector<NamedWorkload>& Workloads() {
  static const std::vector<NamedWorkload>* const workloads =
      new std::vector<NamedWorkload>(Build());
  return *workloads;
}

absl::StatusOr<Workload> FindWorkload(std::string_view name) {
  for (const NamedWorkload& w : Workloads()) {
    if (w.name == name) return ParseWorkload(w.text, "workload:" + w.name);
  }
  return absl::NotFoundError(
      absl::StrCat("no workload named '", absl::string_view(name.data(), name.size()), "'"));
}

}  // namespace daxsim::models::workload
