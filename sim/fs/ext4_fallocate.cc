// ext4's fallocate(2) as 6.1 builds it, which differs from xfs's in what it writes back, what it
// unmaps and which locks it holds. Mirrors (6.1): fs/ext4/extents.c ext4_fallocate(),
// ext4_zero_range(), ext4_alloc_file_blocks(); fs/ext4/inode.c ext4_punch_hole(),
// ext4_update_disksize_before_punch(), ext4_zero_partial_blocks(); mm/truncate.c
// truncate_pagecache_range().
//  - allocate (mode 0): i_rwsem only; no invalidate_lock, no layout break, no unmap, so a
//    zero-page PTE over the hole survives and the next store is a WRITE|MKWRITE fault.
//  - punch: "Write out all dirty pages" over [offset, offset + len) BEFORE inode_lock; a punch
//    at or beyond i_size does nothing more; one reaching past i_size is cut after the page
//    holding i_size; only whole blocks are unmapped and dropped (inward rounding).
//  - zero range: no writeback at all before 6.4 (783ae448b7a2 added it for data=journal only);
//    the edges are preallocated and zeroed without invalidate_lock; the whole blocks are
//    dropped from the page cache and converted to unwritten in place (the same blocks,
//    EXT4_GET_BLOCKS_CONVERT_UNWRITTEN), not freed and reallocated as xfs does.
#include <algorithm>

#include "sim/fs/fs.h"

namespace daxsim::fs {

using sim::Access;
using namespace vm;

namespace {

uint64_t RoundDown(uint64_t x) { return x & ~(PAGE_SIZE - 1); }
uint64_t RoundUp(uint64_t x) { return RoundDown(x + PAGE_SIZE - 1); }

}  // namespace

sim::Task<int> Filesystem::Ext4Fallocate(Inode* ip, FallocMode mode, uint64_t offset,
                                         uint64_t len) {
  if (mode == FallocMode::kPunchHole) co_return co_await Ext4PunchHole(ip, offset, len);
  if (mode == FallocMode::kZeroRange) co_return co_await Ext4ZeroRange(ip, offset, len);
  co_await ip->i_rwsem.DownWrite();
  const uint64_t fsb = offset >> PAGE_SHIFT;
  const uint64_t end_fsb = (offset + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
  const int err = co_await Ext4AllocFileBlocks(ip, fsb, end_fsb - fsb, /*convert=*/false);
  if (err == 0 && offset + len > ip->size_) {
    // ext4_alloc_file_blocks(): ext4_update_inode_size() in the allocating handle.
    co_await journal_handle_.DownRead();
    co_await sim_->Point("i_size_write", {ip->size_obj_, Access::kWrite});
    ip->size_ = offset + len;
    ++block_map_version_;
    TransCommit(ip);
    co_await journal_handle_.UpRead();
  }
  co_await ip->i_rwsem.UpWrite();
  co_return err;
}

// ext4_alloc_file_blocks(): unwritten extents over the holes of [fsb, fsb + count) in a jbd2
// handle, an ENOSPC retried after a commit while frees are pending; with `convert` (zero range's
// EXT4_GET_BLOCKS_CONVERT_UNWRITTEN) written extents of the range become unwritten in place first.
sim::Task<int> Filesystem::Ext4AllocFileBlocks(Inode* ip, uint64_t fsb, uint64_t count,
                                               bool convert) {
  auto _ = sim_->Enter("ext4_alloc_file_blocks");
  co_await journal_handle_.DownRead();
  if (convert) {
    co_await ip->ilock.DownWrite();  // i_data_sem
    bool changed = false;
    for (uint64_t f = fsb; f < fsb + count;) {
      auto e = ip->Lookup(f);
      if (!e) {
        f = std::min(ip->NextMapped(f), fsb + count);
        continue;
      }
      const uint64_t n = std::min(e->first + e->second.len, fsb + count) - f;
      if (!e->second.unwritten) {  // ext4_ext_convert_initialized_extent()
        ip->MapExtent(f, Extent{e->second.block + (f - e->first), n, true});
        changed = true;
      }
      f += n;
    }
    if (changed) TransCommit(ip);
    co_await ip->ilock.UpWrite();
  }
  int err = co_await AllocBlocks(ip, fsb, count, false, /*unwritten=*/true, nullptr,
                                 /*first_only=*/false);
  co_await journal_handle_.UpRead();
  // "if (ret == -ENOSPC && ext4_should_retry_alloc(inode->i_sb, &retries)) goto retry;"
  for (int retries = 0; err == -28;) {
    const bool retry = co_await Ext4ShouldRetryAlloc(&retries);
    if (!retry) break;
    co_await journal_handle_.DownRead();
    err = co_await AllocBlocks(ip, fsb, count, false, /*unwritten=*/true, nullptr,
                               /*first_only=*/false);
    co_await journal_handle_.UpRead();
  }
  co_return err;
}

// truncate_pagecache_range(): unmap the whole pages of [lstart, lend] (without even_cows), then
// drop their entries.
sim::Task<void> Filesystem::TruncatePagecacheRange(Inode* ip, uint64_t lstart, uint64_t lend) {
  auto _ = sim_->Enter("truncate_pagecache_range");
  const uint64_t first = RoundUp(lstart) >> PAGE_SHIFT;
  const uint64_t end = (lend + 1) >> PAGE_SHIFT;  // whole pages end before this one
  if (end > first) co_await vm_->UnmapMappingPages(&ip->mapping_, first, end - first, false);
  if (end > first) co_await dax_->TruncateInodePagesRange(*ip, first, end - 1);
}

// ext4_update_disksize_before_punch(): a range that covers i_size while i_disksize lags behind
// it first logs i_disksize = i_size, so the blocks freed or zeroed are not past the on-disk size.
sim::Task<void> Filesystem::Ext4UpdateDisksizeBeforePunch(Inode* ip, uint64_t offset,
                                                          uint64_t len) {
  const uint64_t size = ip->size_;
  if (offset > size || offset + len < size) co_return;
  const uint64_t disk_size = committed_.count(ip->ino()) ? committed_.at(ip->ino()).size : 0;
  if (disk_size >= size) co_return;
  co_await journal_handle_.DownRead();
  TransCommit(ip);
  co_await journal_handle_.UpRead();
}

sim::Task<int> Filesystem::Ext4PunchHole(Inode* ip, uint64_t offset, uint64_t len) {
  auto _ = sim_->Enter("ext4_punch_hole");
  {
    // "Write out all dirty pages to avoid race conditions": filemap_write_and_wait_range()
    // before inode_lock (dax_writeback_mapping_range() skips when nothing is DIRTY-tagged).
    sim::CallSummary writeback(sim_, 0xeb1);
    co_await dax_->WritebackMappingRange(*ip, offset, offset + len - 1);
    writeback.Returned(0);
  }
  co_await ip->i_rwsem.DownWrite();
  if (offset >= ip->size_) {  // "No need to punch hole beyond i_size"
    co_await ip->i_rwsem.UpWrite();
    co_return 0;
  }
  if (offset + len > ip->size_) {
    len = ip->size_ + PAGE_SIZE - (ip->size_ & (PAGE_SIZE - 1)) - offset;
  }
  // Bug kPunchFaultRace (pre-ea3d7209ca01): no invalidate_lock, no layout break.
  const bool mmaplock = !params_.bugs(Bug::kPunchFaultRace);
  if (mmaplock) co_await ip->invalidate_lock.DownWrite();
  if (mmaplock) co_await BreakLayouts(ip);
  const uint64_t first_block_offset = RoundUp(offset);
  const uint64_t stop = RoundDown(offset + len);  // last_block_offset + 1
  if (stop > first_block_offset + 1) {
    co_await Ext4UpdateDisksizeBeforePunch(ip, offset, len);
    co_await TruncatePagecacheRange(ip, first_block_offset, stop - 1);
  }
  co_await journal_handle_.DownRead();
  co_await Ext4ZeroPartialBlocks(ip, offset, len);
  if (stop > first_block_offset) co_await Ext4RemoveSpace(ip, first_block_offset, stop);
  co_await journal_handle_.UpRead();
  if (mmaplock) co_await ip->invalidate_lock.UpWrite();
  co_await ip->i_rwsem.UpWrite();
  co_return 0;
}

// ext4_zero_partial_blocks(): the bytes of [offset, offset + len) in its partial first and last
// blocks (dax_zero_range() on written blocks).
sim::Task<void> Filesystem::Ext4ZeroPartialBlocks(Inode* ip, uint64_t offset, uint64_t len) {
  const uint64_t head_end = std::min(offset + len, RoundUp(offset));
  if (offset < head_end) co_await ZeroBytes(ip, offset, head_end - offset);
  const uint64_t tail = RoundDown(offset + len);
  if (tail >= head_end && tail < offset + len) co_await ZeroBytes(ip, tail, offset + len - tail);
}

// ext4_es_remove_extent() + ext4_ext_remove_space() under i_data_sem: free the blocks of
// [start, stop) (both block-aligned byte offsets).
sim::Task<void> Filesystem::Ext4RemoveSpace(Inode* ip, uint64_t start, uint64_t stop) {
  auto _ = sim_->Enter("ext4_ext_remove_space");
  co_await RemoveBlocks(ip, start >> PAGE_SHIFT, (stop - start) >> PAGE_SHIFT, "ext4_free_blocks");
}

sim::Task<int> Filesystem::Ext4ZeroRange(Inode* ip, uint64_t offset, uint64_t len) {
  auto _ = sim_->Enter("ext4_zero_range");
  const uint64_t start = RoundUp(offset);
  const uint64_t end = RoundDown(offset + len);
  const bool partial = (offset & (PAGE_SIZE - 1)) != 0 || ((offset + len) & (PAGE_SIZE - 1)) != 0;
  co_await ip->i_rwsem.DownWrite();
  int err = 0;
  if (partial) {  // "Preallocate the range including the unaligned edges"
    const uint64_t fsb = RoundDown(offset) >> PAGE_SHIFT;
    err = co_await Ext4AllocFileBlocks(ip, fsb, (RoundUp(offset + len) >> PAGE_SHIFT) - fsb,
                                       /*convert=*/false);
  }
  if (err == 0 && end > start) {  // "Zero range excluding the unaligned edges"
    co_await ip->invalidate_lock.DownWrite();
    co_await BreakLayouts(ip);
    co_await Ext4UpdateDisksizeBeforePunch(ip, offset, len);
    co_await TruncatePagecacheRange(ip, start, end - 1);
    err = co_await Ext4AllocFileBlocks(ip, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT,
                                       /*convert=*/true);
    co_await ip->invalidate_lock.UpWrite();
  }
  if (err == 0 && partial) {  // "Zero out partial block at the edges of the range"
    co_await journal_handle_.DownRead();
    co_await Ext4ZeroPartialBlocks(ip, offset, len);
    co_await journal_handle_.UpRead();
  }
  co_await ip->i_rwsem.UpWrite();
  co_return err;
}

}  // namespace daxsim::fs
