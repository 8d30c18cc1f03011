#include "sim/fs/personality.h"

namespace daxsim::fs {

namespace {

constexpr FsTraits kXfs{
    .name = "xfs",
    .fault_fn = "__xfs_filemap_fault",
    .mmap_lock = "xfs_mmaplock",
    .alloc_lock = "xfs_ilock",
    .map_blocks_fn = "xfs_bmapi_write",
    .journal_commit = "xfs_log_force",
    .read_iomap_begin = "xfs_read_iomap_begin",
    .write_iomap_begin = "xfs_direct_write_iomap_begin",
    .alloc_fn = "xfs_iomap_write_direct",
    .zero_fn = "xfs_zero_extent",
    .setattr_fn = "xfs_setattr_size",
    .fsync_fn = "xfs_file_fsync",
    .fallocate_fn = "xfs_file_fallocate",
    .write_fn = "xfs_file_dax_write",
    .read_fn = "xfs_file_dax_read",
    .break_layouts_fn = "xfs_break_dax_layouts",
    .journal = Journal::kLog,
    .fault_journal_handle = false,
    .unwritten = true,
    .punch = true,
    .map_sync = true,
    .huge_faults = true,
    .break_layouts = true,
    .block_device = true,
    .write_new_always = true,
};

constexpr FsTraits kExt4{
    .name = "ext4",
    .fault_fn = "ext4_dax_huge_fault",
    .mmap_lock = "invalidate_lock",
    .alloc_lock = "i_data_sem",
    .map_blocks_fn = "ext4_map_blocks",
    .journal_commit = "jbd2_complete_transaction",
    .read_iomap_begin = "ext4_iomap_begin",
    .write_iomap_begin = "ext4_iomap_begin",
    .alloc_fn = "ext4_iomap_alloc",
    .zero_fn = "ext4_issue_zeroout",
    .setattr_fn = "ext4_setattr",
    .fsync_fn = "ext4_sync_file",
    .fallocate_fn = "ext4_fallocate",
    .write_fn = "ext4_dax_write_iter",
    .read_fn = "ext4_dax_read_iter",
    .break_layouts_fn = "ext4_break_layouts",
    .journal = Journal::kLog,
    .fault_journal_handle = true,
    .unwritten = true,
    .punch = true,
    .map_sync = true,
    .huge_faults = true,
    .break_layouts = true,
    .block_device = true,
    .write_new_always = false,
};

constexpr FsTraits kExt2{
    .name = "ext2",
    .fault_fn = "ext2_dax_fault",
    .mmap_lock = "invalidate_lock",
    .alloc_lock = "truncate_mutex",
    .map_blocks_fn = "ext2_get_blocks",
    .journal_commit = "sync_inode_metadata",
    .read_iomap_begin = "ext2_iomap_begin",
    .write_iomap_begin = "ext2_iomap_begin",
    .alloc_fn = "ext2_get_blocks",
    .zero_fn = "sb_issue_zeroout",
    .setattr_fn = "ext2_setsize",
    .fsync_fn = "ext2_fsync",
    .fallocate_fn = "ext2_fallocate",
    .write_fn = "ext2_dax_write",
    .read_fn = "ext2_dax_read",
    .break_layouts_fn = "ext2_break_layouts",
    .journal = Journal::kNone,
    .fault_journal_handle = false,
    .unwritten = false,
    .punch = false,
    .map_sync = false,
    .huge_faults = false,
    .break_layouts = false,
    .block_device = true,
    .write_new_always = false,
};

constexpr FsTraits kXip{
    .name = "xipfs",
    .fault_fn = "xipfs_fault",
    .mmap_lock = "xip_mmap_sem",
    .alloc_lock = "xip_inode_lock",
    .map_blocks_fn = "xipfs_find_pages",
    .journal_commit = "(synchronous metadata)",
    .read_iomap_begin = "xipfs_iomap_begin",
    .write_iomap_begin = "xipfs_iomap_begin",
    .alloc_fn = "xipfs_alloc_pages",
    .zero_fn = "xipfs_zero_pages",
    .setattr_fn = "xipfs_setattr",
    .fsync_fn = "xipfs_fsync",
    .fallocate_fn = "xipfs_fallocate",
    .write_fn = "xipfs_write",
    .read_fn = "xipfs_read",
    .break_layouts_fn = "xipfs_break_layouts",
    .journal = Journal::kSync,
    .fault_journal_handle = false,
    .unwritten = false,
    .punch = true,
    .map_sync = true,
    .huge_faults = true,
    .break_layouts = true,
    .block_device = false,
    .write_new_always = false,
};

}  // namespace

const FsTraits& Traits(FsKind kind) {
  switch (kind) {
    case FsKind::kXfs:
      return kXfs;
    case FsKind::kExt4:
      return kExt4;
    case FsKind::kExt2:
      return kExt2;
    case FsKind::kXip:
      return kXip;
  }
  return kXfs;
}

const char* ApiName(DaxApi api) {
  switch (api) {
    case DaxApi::kIomap:
      return "iomap";
    case DaxApi::kGetBlock:
      return "get_block";
    case DaxApi::kPopulatePfns:
      return "populate_pfns";
  }
  return "?";
}

bool ApiSupported(FsKind kind, DaxApi api) {
  return Traits(kind).block_device || api == DaxApi::kPopulatePfns;
}

bool ParseFsKind(const std::string& s, FsKind* kind) {
  for (FsKind k : {FsKind::kXfs, FsKind::kExt4, FsKind::kExt2, FsKind::kXip}) {
    if (s == Traits(k).name) {
      *kind = k;
      return true;
    }
  }
  return false;
}

bool ParseApi(const std::string& s, DaxApi* api) {
  for (DaxApi a : {DaxApi::kIomap, DaxApi::kGetBlock, DaxApi::kPopulatePfns}) {
    if (s == ApiName(a)) {
      *api = a;
      return true;
    }
  }
  return false;
}

}  // namespace daxsim::fs
