// xfs system calls and the log. Mirrors: fs/xfs/xfs_iops.c xfs_vn_setattr()/xfs_setattr_size()
// (truncate), fs/xfs/xfs_file.c xfs_file_fallocate() (allocate, punch hole, zero range),
// xfs_file_fsync(), xfs_file_dax_write()/xfs_file_dax_read(), xfs_break_layouts() /
// xfs_break_dax_layouts(); fs/xfs/xfs_bmap_util.c xfs_flush_unmap_range(),
// xfs_free_file_space(); mm/truncate.c truncate_setsize()/truncate_pagecache_range() (6.1).
// The log is reduced to what recovery needs: the metadata as of the last log force.
#include <algorithm>
#include <cstring>
#include <vector>

#include "sim/check.h"
#include "sim/fs/fs.h"

namespace daxsim::fs {

using sim::Access;
using namespace vm;

namespace {

// Sleeps until a pinned page's refcount falls back to 1 (___wait_var_event on _refcount).
class PageIdle : public sim::Blocker {
 public:
  PageIdle(PhysMem* phys, Pfn pfn) : phys_(phys), pfn_(pfn) {}
  bool CanProceed(const sim::Actor&) const override { return phys_->page_ref_count(pfn_) == 1; }
  std::string Describe(const sim::Sim&) const override {
    return "page " + std::to_string(pfn_) + " to be unpinned";
  }

 private:
  PhysMem* phys_;
  Pfn pfn_;
};

}  // namespace

Filesystem::Filesystem(sim::Sim& sim, vm::Vm& vm, dax::Dax& dax, nvdimm::Pmem& pmem,
                       FsParams params)
    : sim_(&sim),
      vm_(&vm),
      dax_(&dax),
      pmem_(&pmem),
      params_(params),
      alloc_(sim, params.data_start, pmem.pages(), params.pmd_align),
      initialized_(pmem.pages(), false),
      log_obj_(sim.NewObject(params.kind == FsKind::kExt4 ? "jbd2_journal" : "xfs_log")),
      journal_handle_(sim, "jbd2_handle", "jbd2_handle") {
  read_ops_ = MakeXfsReadIomapOps(this);
  write_ops_ = MakeXfsWriteIomapOps(this);
  get_block_ops_ = MakeGetBlockOps(this);
  populate_ops_ = MakePopulatePfnsOps(this);
  alloc_.set_track_busy(traits().journal == Journal::kLog);
}

Inode* Filesystem::CreateFile(const std::string& name, uint64_t size) {
  const uint64_t ino = 0x80 + inodes_.size();
  inodes_.push_back(std::make_unique<Inode>(this, *sim_, name, ino));
  Inode* ip = inodes_.back().get();
  ip->size_ = size;
  ++block_map_version_;
  durable_[ino] = committed_[ino] = Durable{size, {}};
  return ip;
}

void Filesystem::SetupExtent(Inode* ip, uint64_t offset, uint64_t length, bool unwritten,
                             uint8_t fill, std::optional<uint64_t> at) {
  const uint64_t fsb = offset >> PAGE_SHIFT, n = length >> PAGE_SHIFT;
  const std::optional<uint64_t> block = at && alloc_.AllocAt(*at, n) ? at : alloc_.Alloc(n);
  DAXSIM_CHECK_MSG(block.has_value(), "setup: device too small for the workload's extents");
  ip->MapExtent(fsb, Extent{*block, n, unwritten});
  if (!unwritten) {
    std::vector<uint8_t> page(PAGE_SIZE, fill);
    for (uint64_t b = *block; b < *block + n; ++b) {
      pmem_->WriteClearPoison(b, page.data());
      initialized_.Set(b, true);
      ++block_map_version_;
    }
    pmem_->Sfence();
  }
  durable_[ip->ino()] = committed_[ip->ino()] = Durable{ip->size_, ip->extents_};
}

Inode* Filesystem::Find(const std::string& name) {
  for (auto& ip : inodes_) {
    if (ip->name() == name) return ip.get();
  }
  return nullptr;
}

std::optional<Filesystem::Owner> Filesystem::BlockOwner(uint64_t block) const {
  for (const auto& ip : inodes_) {
    for (const auto& [fsb, e] : ip->extents_) {
      if (block >= e.block && block < e.block + e.len) {
        return Owner{ip.get(), fsb + (block - e.block), e.unwritten};
      }
    }
  }
  return std::nullopt;
}

Filesystem::OwnerIndex::OwnerIndex(const Filesystem& fs) {
  for (const auto& ip : fs.inodes_) {
    for (const auto& [fsb, e] : ip->extents_) {
      runs_.push_back({e.block, e.len, fsb, runs_.size(), ip.get(), e.unwritten});
    }
  }
  std::stable_sort(runs_.begin(), runs_.end(),
                   [](const Run& a, const Run& b) { return a.block < b.block; });
  reach_.reserve(runs_.size());
  for (const Run& r : runs_) {
    reach_.push_back(std::max(reach_.empty() ? 0 : reach_.back(), r.block + r.len));
  }
}

std::optional<Filesystem::Owner> Filesystem::OwnerIndex::Find(uint64_t block) const {
  // Runs starting at or before `block`, back to the first whose prefix ends before it (runs
  // of a consistent block map do not overlap: one or two steps back; overlapping ones, which
  // only a bug makes, are all visited).
  auto it = std::upper_bound(runs_.begin(), runs_.end(), block,
                             [](uint64_t b, const Run& r) { return b < r.block; });
  const Run* best = nullptr;
  for (size_t i = static_cast<size_t>(it - runs_.begin()); i > 0 && reach_[i - 1] > block; --i) {
    const Run& r = runs_[i - 1];
    if (block < r.block + r.len && (best == nullptr || r.order < best->order)) best = &r;
  }
  if (best == nullptr) return std::nullopt;
  return Owner{best->inode, best->fsb + (block - best->block), best->unwritten};
}

sim::Task<void> Filesystem::ZeroBlocks(uint64_t block, uint64_t count) {
  auto _ = sim_->Enter(traits().zero_fn);
  // One step per extent: the blocks are not mapped by anyone yet (their footprint is the first
  // page; see sim/fs/README in the closing notes of issue 3).
  co_await sim_->Point("blkdev_issue_zeroout",
                       {vm_->phys().PageObject(pmem_->PgoffToPfn(block)), Access::kWrite});
  pmem_->ZeroPageRange(block, count);
  for (uint64_t b = block; b < block + count; ++b) {
    initialized_.Set(b, true);
    ++block_map_version_;
    zero_counts_[b]++;
  }
}

sim::Task<bool> Filesystem::ZeroBytes(Inode* ip, uint64_t offset, uint64_t len) {
  auto _ = sim_->Enter("xfs_zero_range");
  bool zeroed = false;  // iomap's did_zero: some written block was zeroed
  for (uint64_t p = offset; p < offset + len;) {
    const uint64_t page_end = std::min(offset + len, (p & ~(PAGE_SIZE - 1)) + PAGE_SIZE);
    if (auto e = ip->Lookup(p >> PAGE_SHIFT); e && !e->second.unwritten) {
      const uint64_t block = e->second.block + ((p >> PAGE_SHIFT) - e->first);
      const Pfn pfn = pmem_->PgoffToPfn(block);
      co_await sim_->Point("dax_zero_page_range", {vm_->phys().PageObject(pfn), Access::kWrite});
      std::vector<uint8_t> zeros(page_end - p, 0);
      pmem_->MemcpyFlushcache((pfn << PAGE_SHIFT) + (p & (PAGE_SIZE - 1)), zeros.data(),
                              zeros.size());
      zeroed = true;
    }
    p = page_end;
  }
  co_return zeroed;
}

sim::Task<int> Filesystem::LogForce() {
  auto _ = sim_->Enter(traits().journal_commit);
  // ext4: jbd2 commits the running transaction once every handle on it is stopped.
  const bool jbd2 = params_.kind == FsKind::kExt4;
  if (jbd2) co_await journal_handle_.DownWrite();
  // The commit record is written with REQ_PREFLUSH | REQ_FUA: data before it is durable.
  co_await sim_->Point(jbd2 ? "jbd2_journal_commit_transaction" : "xfs_log_force (flush + commit)",
                       {log_obj_, Access::kWrite});
  if (!pmem_->alive()) {
    // The device was unbound: pmem_release_disk() deleted the disk, the log bio fails (EIO).
    // xfs: xlog_ioend_work() -> xlog_force_shutdown(SHUTDOWN_LOG_IO_ERROR), and every entry
    // point that checks xfs_is_shutdown() fails with EIO from now on (seen on 6.1: fsync, then
    // fstat, EIO). ext4: jbd2 aborts the journal (its read-only remount at the next handle is
    // not modelled).
    if (!jbd2) shutdown_ = true;
    if (jbd2) co_await journal_handle_.UpWrite();
    co_return -5;  // -EIO
  }
  pmem_->NvdimmFlush();
  durable_ = committed_;
  for (auto& ip : inodes_) ip->pinned_ = false;
  alloc_.ClearBusy();
  log_forces_++;
  if (jbd2) co_await journal_handle_.UpWrite();
  co_return 0;
}

sim::Task<bool> Filesystem::IsShutdown() {
  // Only a failed log write shuts xfs down, and that needs a dead device: while it lives this
  // takes no step (the unbind itself conflicts with every step, so the choice is ordered).
  if (params_.kind != FsKind::kXfs || pmem_->alive()) co_return false;
  co_await sim_->Point("xfs_is_shutdown", {log_obj_, Access::kRead});
  co_return shutdown_;
}

sim::Task<int> Filesystem::Getattr(Inode* ip) {
  const bool down = co_await IsShutdown();
  co_return down ? -5 : 0;  // xfs_vn_getattr(): -EIO
}

void Filesystem::TransCommit(Inode* ip) {
  committed_[ip->ino()] = Durable{ip->size_, ip->extents_};
  if (traits().journal == Journal::kSync) {
    // xipfs: the new block pointers and size are stored and flushed in place; whatever they
    // point to was zeroed (and fenced) before. Once the region is unbound those stores reach
    // nothing: the metadata on the media stays what it was (found by `daxsim fuzz`, campaign
    // shard 27: a huge fault after kill_dax allocated 2 MiB whose zeroing was lost, and the
    // allocation survived the crash with the blocks' stale content).
    if (!pmem_->alive()) return;
    pmem_->Sfence();
    durable_[ip->ino()] = committed_[ip->ino()];
    return;
  }
  ip->pinned_ = true;
}

void Filesystem::Recover() {
  alloc_.Reset();
  committed_ = durable_;
  for (auto& ip : inodes_) {
    const Durable& d = durable_[ip->ino()];
    ip->size_ = d.size;
    ++block_map_version_;
    ip->extents_ = d.extents;
    ++block_map_version_;
    ip->pinned_ = false;
    for (const auto& [fsb, e] : ip->extents_) alloc_.MarkUsed(e.block, e.len);
  }
}

sim::Task<void> Filesystem::BreakLayouts(Inode* ip) {
  // ext2: truncate does not wait for DMA; bug kNoLayoutBreak (pre-5fac7408d828): nobody does.
  if (!traits().break_layouts || params_.bugs(Bug::kNoLayoutBreak)) co_return;
  auto _ = sim_->Enter(traits().break_layouts_fn);
  sim::RetryLoop retry(sim_, 0xb1a);
  for (;;) {
    retry.Head();
    const Pfn busy = co_await dax_->LayoutBusyPage(*ip, 0, UINT64_MAX >> 1);
    if (busy == 0) co_return;
    // xfs_wait_dax_page(): drop MMAPLOCK, sleep until the page is idle, retake.
    co_await ip->invalidate_lock.UpWrite();
    PageIdle idle(&vm_->phys(), busy);
    co_await sim_->Block("wait_var_event(page->_refcount == 1)",
                         {vm_->phys().PageObject(busy), Access::kWait}, &idle);
    co_await ip->invalidate_lock.DownWrite();
  }
}

sim::Task<void> Filesystem::RemoveBlocks(Inode* ip, uint64_t fsb, uint64_t count,
                                         const char* step) {
  co_await ip->ilock.DownWrite();
  std::vector<Extent> freed;
  ip->UnmapBlocks(fsb, count, &freed);
  co_await sim_->Point(step, {alloc_.object(), Access::kWrite});
  for (const Extent& e : freed) {
    alloc_.Free(e.block, e.len);
    for (uint64_t b = e.block; b < e.block + e.len; ++b) initialized_.Set(b, false);
    ++block_map_version_;
  }
  TransCommit(ip);
  co_await ip->ilock.UpWrite();
}

sim::Task<void> Filesystem::FreeFileSpace(Inode* ip, uint64_t offset, uint64_t len) {
  auto _ = sim_->Enter("xfs_free_file_space");
  const uint64_t first = (offset + PAGE_SIZE - 1) >> PAGE_SHIFT;
  const uint64_t end = (offset + len) >> PAGE_SHIFT;
  if (end > first) {
    // xfs_unmap_extent() transactions: ILOCK_EXCL, bunmapi, free the blocks.
    co_await RemoveBlocks(ip, first, end - first, "xfs_bunmapi (free)");
  }
  // Partial blocks at the edges are zeroed.
  if (offset < (first << PAGE_SHIFT)) {
    co_await ZeroBytes(ip, offset, std::min(offset + len, first << PAGE_SHIFT) - offset);
  }
  if ((end << PAGE_SHIFT) < offset + len && end >= first) {
    co_await ZeroBytes(ip, end << PAGE_SHIFT, offset + len - (end << PAGE_SHIFT));
  }
}

sim::Task<int> Filesystem::Truncate(Inode* ip, uint64_t newsize) {
  auto _ = sim_->Enter(traits().setattr_fn);
  const bool down = co_await IsShutdown();
  if (down) co_return -5;                    // xfs_vn_change_ok(): -EIO
  co_await ip->i_rwsem.DownWrite();          // do_truncate: inode_lock
  co_await ip->invalidate_lock.DownWrite();  // XFS_MMAPLOCK_EXCL
  co_await BreakLayouts(ip);
  const uint64_t oldsize = ip->size_;
  const bool xfs = params_.kind == FsKind::kXfs;
  if (xfs && newsize <= oldsize) {
    // xfs_setattr_size(): "Flush the new EOF to convert the block before the pagecache
    // truncate": filemap_write_and_wait_range(mapping, newsize, newsize).
    sim::CallSummary writeback(sim_, 0xeb1);
    co_await dax_->WritebackMappingRange(*ip, newsize, newsize);
    writeback.Returned(0);
  }
  bool did_zeroing = false;
  if (newsize < oldsize && (newsize & (PAGE_SIZE - 1)) != 0) {
    // iomap_truncate_page(): zero the tail of the new EOF block.
    const uint64_t tail = ((newsize + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - newsize;
    const bool zeroed = co_await ZeroBytes(ip, newsize, tail);
    did_zeroing = zeroed;
  }
  // truncate_setsize(): i_size, unmap beyond EOF (COW copies too), delete the DAX entries.
  co_await sim_->Point("i_size_write", {ip->size_obj_, Access::kWrite});
  ip->size_ = newsize;
  ++block_map_version_;
  const uint64_t holebegin = (newsize + PAGE_SIZE - 1) >> PAGE_SHIFT;
  co_await vm_->UnmapMappingPages(&ip->mapping_, holebegin, 0, /*even_cows=*/true);
  co_await dax_->TruncateInodePagesRange(*ip, holebegin, UINT64_MAX >> PAGE_SHIFT);
  co_await vm_->UnmapMappingPages(&ip->mapping_, holebegin, 0, /*even_cows=*/true);
  // xfs_setattr_size(): write out [i_disk_size, newsize) before logging the new size, if the
  // truncate zeroed a block or the file grows past an on-disk size behind the in-core one.
  const uint64_t disk_size = committed_.count(ip->ino()) ? committed_.at(ip->ino()).size : 0;
  if (xfs && (did_zeroing || (newsize > disk_size && oldsize != disk_size))) {
    sim::CallSummary writeback(sim_, 0xeb1);
    co_await dax_->WritebackMappingRange(*ip, disk_size, newsize - 1);
    writeback.Returned(0);
  }
  // The truncate transaction: ILOCK_EXCL, xfs_itruncate_extents frees the blocks (ext4: inside
  // a jbd2 handle, ext4_truncate under i_data_sem).
  const bool handle = params_.kind == FsKind::kExt4;
  if (handle) co_await journal_handle_.DownRead();
  if (newsize <= oldsize) {
    co_await FreeFileSpace(ip, holebegin << PAGE_SHIFT,
                           (UINT64_MAX >> 2) - (holebegin << PAGE_SHIFT));
  }
  TransCommit(ip);
  if (handle) co_await journal_handle_.UpRead();
  co_await ip->invalidate_lock.UpWrite();
  co_await ip->i_rwsem.UpWrite();
  co_return 0;
}

sim::Task<int> Filesystem::Fallocate(Inode* ip, FallocMode mode, uint64_t offset, uint64_t len) {
  auto _ = sim_->Enter(traits().fallocate_fn);
  if ((mode == FallocMode::kPunchHole && !traits().punch) ||
      (mode != FallocMode::kPunchHole && !traits().unwritten)) {
    co_return -95;  // -EOPNOTSUPP
  }
  if (params_.kind == FsKind::kExt4) co_return co_await Ext4Fallocate(ip, mode, offset, len);
  co_await ip->i_rwsem.DownWrite();
  // Bug kPunchFaultRace (pre-ea3d7209ca01 / de0e8c20ba3a): hole punch runs without the
  // MMAPLOCK, so faults re-map blocks it is about to free (and layouts are not broken).
  const bool mmaplock = !(mode == FallocMode::kPunchHole && params_.bugs(Bug::kPunchFaultRace));
  if (mmaplock) co_await ip->invalidate_lock.DownWrite();
  if (mmaplock) co_await BreakLayouts(ip);
  int err = 0;
  if (mode != FallocMode::kAllocate) {
    // xfs_flush_unmap_range(): write back, unmap and drop the entries of the range.
    const uint64_t start = offset & ~(PAGE_SIZE - 1);
    const uint64_t end = ((offset + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - 1;
    sim::CallSummary writeback(sim_, 0xeb1);
    co_await dax_->WritebackMappingRange(*ip, start, end);
    writeback.Returned(0);
    // truncate_pagecache_range(): without even_cows (6.1 mm/truncate.c: "hole-punching should
    // not remove private COWed pages from the hole").
    co_await vm_->UnmapMappingPages(&ip->mapping_, start >> PAGE_SHIFT,
                                    (end >> PAGE_SHIFT) - (start >> PAGE_SHIFT) + 1, false);
    co_await dax_->TruncateInodePagesRange(*ip, start >> PAGE_SHIFT, end >> PAGE_SHIFT);
    // xfs_free_file_space(): its transactions fail once xfs has shut down (xfs_log_reserve()).
    const bool down = co_await IsShutdown();
    if (down) err = -5;
    if (!down) co_await FreeFileSpace(ip, offset, len);
  }
  if (mode != FallocMode::kPunchHole && err == 0) {
    const bool down = co_await IsShutdown();
    if (down) err = -5;  // xfs_alloc_file_space(): -EIO
  }
  if (mode != FallocMode::kPunchHole && err == 0) {
    // xfs_alloc_file_space(): unwritten extents over the holes of the range.
    const uint64_t fsb = offset >> PAGE_SHIFT;
    const uint64_t end_fsb = (offset + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
    bool allocated = false;
    err = co_await AllocBlocks(ip, fsb, end_fsb - fsb, false, /*unwritten=*/true, nullptr,
                               /*first_only=*/false, &allocated);
    if (err == 0 && !allocated && params_.kind == FsKind::kXfs) {
      // xfs_alloc_file_space() logs the inode (XFS_DIFLAG_PREALLOC, XFS_ILOG_CORE) in every
      // transaction of its loop, allocating or not: the inode is pinned with fsync fields
      // set, so a MAP_SYNC write fault now gets IOMAP_F_DIRTY and returns NEEDDSYNC (seen on
      // 6.1: seq_1000_72 of the generated conformance set).
      co_await ip->ilock.DownWrite();
      TransCommit(ip);
      co_await ip->ilock.UpWrite();
    }
    // Only mode 0 extends the file: punch and zero-range come with FALLOC_FL_KEEP_SIZE
    // (xfs_file_fallocate(): `if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > i_size_read)`).
    if (err == 0 && mode == FallocMode::kAllocate && offset + len > ip->size_) {
      co_await sim_->Point("i_size_write", {ip->size_obj_, Access::kWrite});
      ip->size_ = offset + len;
      ++block_map_version_;
      TransCommit(ip);
    }
  }
  if (mmaplock) co_await ip->invalidate_lock.UpWrite();
  co_await ip->i_rwsem.UpWrite();
  co_return err;
}

sim::Task<int> Filesystem::Fsync(Inode* ip, uint64_t start, uint64_t end) {
  auto _ = sim_->Enter(traits().fsync_fn);
  sim::CallSummary writeback(sim_, 0xeb1);
  const int err = co_await dax_->WritebackMappingRange(*ip, start, end);
  writeback.Returned(static_cast<uint64_t>(err));
  if (err < 0) co_return err;
  const bool down = co_await IsShutdown();
  if (down) co_return -5;  // xfs_file_fsync(): -EIO
  if (traits().journal == Journal::kNone) {
    // ext2_fsync -> generic_file_fsync: sync_mapping_buffers + sync_inode_metadata.
    co_await ip->ilock.DownRead();
    co_await sim_->Point("sync_inode_metadata", {log_obj_, Access::kWrite});
    if (!pmem_->alive()) {  // the inode's buffer write goes to a deleted disk
      co_await ip->ilock.UpRead();
      co_return -5;
    }
    pmem_->NvdimmFlush();
    durable_[ip->ino()] = committed_[ip->ino()];
    ip->pinned_ = false;
    co_await ip->ilock.UpRead();
    co_return 0;
  }
  co_await ip->ilock.DownRead();
  const bool pinned = ip->pinned_;
  sim_->Observed(pinned);  // all this hold reads
  co_await ip->ilock.UpRead();
  if (pinned) co_return co_await LogForce();
  co_await sim_->Point("blkdev_issue_flush", {log_obj_, Access::kWrite});
  // A flush bio to the disk an unbind deleted fails (EIO on 6.1, ext4 and xfs).
  if (!pmem_->alive()) co_return -5;
  pmem_->NvdimmFlush();
  co_return 0;
}

sim::Task<int64_t> Filesystem::Write(Inode* ip, uint64_t pos, uint64_t len,
                                     const vm::UserBuffer& buf) {
  auto _ = sim_->Enter(traits().write_fn);
  const bool down = co_await IsShutdown();
  if (down) co_return -5;  // xfs_file_write_iter(): -EIO
  co_await ip->i_rwsem.DownWrite();
  const int64_t ret = co_await dax_->IomapRw(*ip, *write_ops_, pos, len, true, buf);
  if (ret > 0 && pos + static_cast<uint64_t>(ret) > ip->size_) {
    co_await sim_->Point("i_size_write + xfs_setfilesize", {ip->size_obj_, Access::kWrite});
    ip->size_ = pos + static_cast<uint64_t>(ret);
    ++block_map_version_;
    TransCommit(ip);
  }
  co_await ip->i_rwsem.UpWrite();
  co_return ret;
}

sim::Task<int64_t> Filesystem::Read(Inode* ip, uint64_t pos, uint64_t len,
                                    const vm::UserBuffer& buf) {
  auto _ = sim_->Enter(traits().read_fn);
  const bool down = co_await IsShutdown();
  if (down) co_return -5;  // xfs_file_read_iter(): -EIO
  co_await ip->i_rwsem.DownRead();
  const int64_t ret = co_await dax_->IomapRw(*ip, *read_ops_, pos, len, false, buf);
  co_await ip->i_rwsem.UpRead();
  co_return ret;
}

}  // namespace daxsim::fs
