// What distinguishes the filesystems daxsim models, as data: the kernel names of their fault
// handler and locks, how their metadata becomes durable, and which DAX features they have.
// One engine (fs.h) runs all four; every difference that matters to the fault path is here.
//   xfs   fs/xfs (6.1): XFS_MMAPLOCK, ILOCK, a log (CIL + log force), unwritten extents,
//         MAP_SYNC, huge faults, xfs_break_dax_layouts.
//   ext4  fs/ext4 (6.1): mapping->invalidate_lock, i_data_sem, jbd2 (write faults hold a
//         journal handle, a commit waits for open handles), unwritten extents
//         (EXT4_GET_BLOCKS_CREATE_ZERO), MAP_SYNC, huge faults, ext4_break_layouts.
//   ext2  fs/ext2 (6.1): mapping->invalidate_lock, truncate_mutex, no journal (metadata written
//         by fsync of the inode: a crash needs e2fsck), no unwritten extents, no fallocate, no
//         MAP_SYNC, PTE faults only, no layout breaking (truncate does not wait for DMA pins).
//   xipfs a non-block filesystem (XIP-style, as AXFS/PMFS): files are pages of an NVDIMM region
//         the filesystem owns; no block device (no dax_direct_access), metadata updated in place
//         and flushed at once, punch hole but no fallocate; DAX through ->populate_pfns only.
#pragma once

#include <string>

namespace daxsim::fs {

enum class FsKind { kXfs, kExt4, kExt2, kXip };

// The DAX core's front end for this filesystem (issue: the API design question).
enum class DaxApi {
  kIomap,         // dax_iomap_fault(): ->iomap_begin/->iomap_end (v4.10+)
  kGetBlock,      // dax_fault()/dax_pmd_fault() with a get_block_t and buffer_heads (v4.8)
  kPopulatePfns,  // proposed: tree lookup, a_ops->populate_pfns on a miss, dax_create_pfns
};

enum class Journal {
  kLog,   // transactions commit to memory; a log force makes them durable (xfs CIL, jbd2)
  kNone,  // ext2: an inode's metadata becomes durable when that inode is fsynced
  kSync,  // xipfs: every metadata update is durable when it returns
};

struct FsTraits {
  const char* name;
  const char* fault_fn;        // the ->fault/->huge_fault handler
  const char* mmap_lock;       // shared in faults, exclusive in truncate/punch
  const char* alloc_lock;      // block map lock, exclusive while allocating
  const char* map_blocks_fn;   // the block mapping function
  const char* journal_commit;  // what fsync calls to make metadata durable
  // Kernel names of the other entry points, for traces.
  const char* read_iomap_begin;
  const char* write_iomap_begin;
  const char* alloc_fn;
  const char* zero_fn;
  const char* setattr_fn;
  const char* fsync_fn;
  const char* fallocate_fn;
  const char* write_fn;
  const char* read_fn;
  const char* break_layouts_fn;
  Journal journal;
  bool fault_journal_handle;  // write faults hold a journal handle (ext4)
  bool unwritten;             // unwritten extents, fallocate(0) and zero range
  bool punch;                 // FALLOC_FL_PUNCH_HOLE
  bool map_sync;              // MAP_SYNC
  bool huge_faults;           // ->huge_fault (PMD faults)
  bool break_layouts;         // truncate/punch wait for DMA pins (dax_layout_busy_page)
  bool block_device;          // PFNs come from dax_direct_access() on a block device
  // write(2)'s iomap reports IOMAP_F_NEW whenever its lookup saw a hole, even if a racing fault
  // mapped the range before its allocation transaction (xfs_direct_write_iomap_begin() after
  // xfs_iomap_write_direct()); ext4 and ext2 report it only when this call allocated
  // (EXT4_MAP_NEW, ext2_get_blocks()'s `new`).
  bool write_new_always;
};

const FsTraits& Traits(FsKind kind);
const char* ApiName(DaxApi api);
// Whether the DAX core can drive this filesystem through this API (xipfs: populate_pfns only).
bool ApiSupported(FsKind kind, DaxApi api);
bool ParseFsKind(const std::string& s, FsKind* kind);
bool ParseApi(const std::string& s, DaxApi* api);

}  // namespace daxsim::fs
