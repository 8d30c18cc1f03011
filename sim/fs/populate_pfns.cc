// ->populate_pfns of each filesystem, for the proposed DAX front end. A block filesystem looks
// up its extent around the faulting page (allocating, zeroed, on a write to a hole or an
// unwritten extent) and hands DAX a descriptor of it: dax_create_pfns() does one direct access
// for the whole range and inserts the entries. xipfs, which has no block device, turns its page
// numbers into PFNs of its NVDIMM region itself and inserts them with dax_insert_pfns().
// The range populated is the extent clipped to a window of kPopulateWindow pages from the
// faulting page (the fault-around default of 64 KiB), to EOF, and for a PMD fault exactly the
// 2 MiB (a PMD needs one aligned extent covering it: -EINVAL makes the fault fall back).
// PFN entries are inserted after the block map lock is dropped: a mapped extent cannot go away
// meanwhile (truncate and punch hole wait for the mapping lock the fault holds shared), and the
// entry lock protocol orders the insertions. A hole is different: write(2) allocates without the
// mapping lock, so the zero-page entry is inserted under the block map lock (block map lock, then
// entry lock: nothing takes them in the other order on this front end).
// Scheduling points: the block map lock, the allocation, and the insertions.
#include <algorithm>

#include "sim/fs/fs.h"

namespace daxsim::fs {

using namespace vm;

namespace {
constexpr uint64_t kPopulateWindow = 16;
constexpr int kEinval = -22;
}  // namespace

class FsPopulatePfnsOps : public dax::PopulatePfnsOps {
 public:
  explicit FsPopulatePfnsOps(Filesystem* fs) : fs_(fs) {}

  sim::Task<dax::PopulateResult> PopulatePfns(dax::DaxInode& inode, uint64_t index,
                                              uint64_t nr_pages, bool write) override {
    static constexpr const char* kNames[] = {"xfs_populate_pfns", "ext4_populate_pfns",
                                             "ext2_populate_pfns", "xipfs_populate_pfns"};
    auto _ = fs_->sim().Enter(kNames[static_cast<int>(fs_->params().kind)]);
    Inode& ip = static_cast<Inode&>(inode);
    const bool pmd = nr_pages == PTRS_PER_PMD;
    const uint64_t eof_pages = (ip.i_size() + PAGE_SIZE - 1) >> PAGE_SHIFT;
    const uint64_t want =
        pmd ? nr_pages : std::min(kPopulateWindow, eof_pages - std::min(index, eof_pages));
    if (want == 0) co_return dax::PopulateResult{-7, false};  // beyond EOF: -EBUSY -> SIGBUS
    co_await ip.ilock.DownRead();
    dax::Iomap m = BmbtToIomap(ip, index << PAGE_SHIFT, want << PAGE_SHIFT);
    fs_->sim().Observed(m.Digest());  // of the block map, this lookup reads only its extent
    // A PMD needs one extent over the whole 2 MiB, a hole as much as blocks: a hole that ends
    // inside the range would put the huge zero page over data (found by `daxsim fuzz`).
    if (pmd && (m.length >> PAGE_SHIFT) < nr_pages) {
      co_await ip.ilock.UpRead();
      co_return dax::PopulateResult{kEinval, false};
    }
    if (m.type != dax::IomapType::kMapped && !write) {
      // A hole (or unwritten extent) read: the zero-page entry goes in while the block map lock
      // keeps the hole a hole; a write(2) allocating it later invalidates that entry.
      if (fs_->params().bugs(Bug::kPopulateHoleUnlocked)) {
        co_await ip.ilock.UpRead();
        co_return dax::PopulateResult{0, true};
      }
      const int err = co_await fs_->dax().InsertHole(ip, index, nr_pages);
      co_await ip.ilock.UpRead();
      co_return dax::PopulateResult{err, false};
    }
    co_await ip.ilock.UpRead();
    if (m.type != dax::IomapType::kMapped) {
      Extent e;
      const uint64_t count = pmd ? nr_pages : 1;
      // Only the error is used: the extent is looked up again below (stateful search forgets
      // which blocks the allocator chose).
      sim::CallSummary alloc(&fs_->sim(), 0xa110c);
      const int err =
          co_await fs_->AllocBlocks(&ip, index, count, !fs_->params().bugs(Bug::kUnzeroedNewBlocks),
                                    /*unwritten=*/false, &e, /*first_only=*/false);
      alloc.Returned(static_cast<uint64_t>(err));
      if (err < 0) co_return dax::PopulateResult{err, false};
      // New blocks: zero-page entries over them (inserted by read faults since this fault let
      // go of its entry) must go, as dax_iomap_rw() does for IOMAP_F_NEW; otherwise a mapping
      // keeps reading the zero page over data (found by props/gen on a PMD write fault that
      // allocated 2 MiB and then fell back on a PTE zero entry).
      // Until that invalidation is over, a write(2) into the new block can complete while a
      // read fault still maps the zero page over it: 6.1's write(2) finding (README), which this
      // design inherits by copying dax_iomap_rw()'s order.
      ++ip.new_blocks_invalidating_;
      co_await fs_->dax().InvalidateInodePages2Range(ip, index, index + count - 1);
      --ip.new_blocks_invalidating_;
      co_await ip.ilock.DownRead();
      m = BmbtToIomap(ip, index << PAGE_SHIFT, want << PAGE_SHIFT);
      fs_->sim().Observed(m.Digest());
      co_await ip.ilock.UpRead();
      if (m.type != dax::IomapType::kMapped) co_return dax::PopulateResult{-5, false};
    }
    const uint64_t n = m.length >> PAGE_SHIFT;
    if (pmd && n < nr_pages) co_return dax::PopulateResult{kEinval, false};
    int err = 0;
    if (fs_->traits().block_device) {
      err = co_await fs_->dax().CreatePfns(ip, index, n, m);  // dax_create_pfns(mapping, iomap)
    } else {
      // xipfs: the page's PFN in the region it owns; no block layer, no direct access.
      const Pfn pfn = fs_->pmem().PgoffToPfn(m.block);
      if (pmd && (pfn & (PTRS_PER_PMD - 1)) != 0) co_return dax::PopulateResult{kEinval, false};
      err = co_await fs_->dax().InsertPfns(ip, index, n, pfn,
                                           fs_->params().bugs(Bug::kPopulateNoLock));
    }
    co_return dax::PopulateResult{err, false};
  }

  bool MetadataDirty(dax::DaxInode& inode) override { return static_cast<Inode&>(inode).pinned_; }

 private:
  Filesystem* fs_;
};

std::unique_ptr<dax::PopulatePfnsOps> MakePopulatePfnsOps(Filesystem* fs) {
  return std::make_unique<FsPopulatePfnsOps>(fs);
}

}  // namespace daxsim::fs
