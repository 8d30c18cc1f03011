// An xfs-like DAX filesystem: inodes with i_size and an extent map (holes, written and
// unwritten extents), a block allocator, the inode locks (i_rwsem = IOLOCK, the mapping's
// invalidate_lock = MMAPLOCK, ILOCK), iomap operations for DAX faults and I/O (new blocks are
// zeroed and written inside the allocating transaction, unwritten extents converted), the
// fault handlers, truncate, fallocate (allocate, punch hole, zero range) with layout breaking,
// fsync, and a metadata log: transactions change the in-core extent map and size at once and
// become durable at a log force; after a crash, recovery restores the last durable state.
// Mirrors: fs/xfs/xfs_file.c, xfs_iomap.c, xfs_iops.c (xfs_setattr_size), xfs_bmap_util.c
// (6.1); ext4's own paths where they differ (ext4_fallocate.cc, the jbd2 handle and ENOSPC
// retry in inode.cc). Scheduling points: every lock, i_size updates, allocation, zeroing, log
// forces.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/dax/dax.h"
#include "sim/fs/alloc.h"
#include "sim/fs/personality.h"
#include "sim/sim.h"
#include "sim/sync/rwsem.h"
#include "sim/vm/mm.h"

namespace daxsim::fs {

struct Extent {
  uint64_t block = 0;  // first device block
  uint64_t len = 0;    // blocks
  bool unwritten = false;
};
using ExtentMap = std::map<uint64_t, Extent>;  // by first file block
// Mixes an extent map into h: its size, then each (file block, device block, length, unwritten).
uint64_t MixExtents(uint64_t h, const ExtentMap& extents);

struct FsParams {
  FsKind kind = FsKind::kXfs;
  DaxApi api = DaxApi::kIomap;
  bool pmd_align = true;     // 2 MiB-aligned allocation of 2 MiB requests (su=2m)
  uint64_t data_start = 16;  // blocks reserved for fs metadata at the start of the device
  BugSet bugs;               // the switched-on mutants (sim/bugs.h); none in the correct model
};

class Filesystem;
class XfsReadIomapOps;
class XfsWriteIomapOps;

class Inode : public dax::DaxInode, public vm::VmOperations {
 public:
  Inode(Filesystem* fs, sim::Sim& sim, std::string name, uint64_t ino);

  // dax::DaxInode
  uint64_t ino() const override { return ino_; }
  vm::AddressSpace& mapping() override { return mapping_; }
  uint64_t i_size() const override { return size_; }
  sim::ObjectId size_object() const override { return size_obj_; }

  // vm::VmOperations (xfs_file_vm_ops)
  sim::Task<uint32_t> Fault(vm::VmFault& vmf) override;
  sim::Task<uint32_t> HugeFault(vm::VmFault& vmf) override;
  sim::Task<uint32_t> PageMkwrite(vm::VmFault& vmf) override;
  sim::Task<uint32_t> PfnMkwrite(vm::VmFault& vmf) override;
  bool HugeFaults() const override;
  sim::Task<int> Fsync(uint64_t start, uint64_t end) override;

  const std::string& name() const { return name_; }
  const ExtentMap& extents() const { return extents_; }
  // The extent containing file block fsb, if any.
  std::optional<std::pair<uint64_t, Extent>> Lookup(uint64_t fsb) const;
  // First mapped file block at or after fsb (for hole lengths).
  uint64_t NextMapped(uint64_t fsb) const;

  // For StateModel implementations: ino, size, extents, pinned, the three rwsems and the mapping
  // (its entry XArray, xa_lock, i_mmap_rwsem and i_mmap list). The name: Filesystem::Digest.
  uint64_t Digest() const;
  // The i_size object -> i_size; each rwsem -> Mix(its digest, MetadataDigest()); the mapping's
  // objects via AddressSpace::ObjectDigest; false for any other id.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;

  // populate_pfns write faults that allocated blocks and have not yet finished invalidating the
  // zero-page entries over them (the oracle's zero-page marker; no code path reads it).
  int new_blocks_invalidating() const { return new_blocks_invalidating_; }

  sim::RwSem i_rwsem;          // IOLOCK / inode_lock
  sim::RwSem invalidate_lock;  // mapping->invalidate_lock (xfs: XFS_MMAPLOCK)
  sim::RwSem ilock;            // xfs ILOCK, ext4 i_data_sem, ext2 truncate_mutex

 private:
  friend class Filesystem;
  friend class XfsReadIomapOps;
  friend class XfsWriteIomapOps;
  friend class FsGetBlockOps;
  friend class FsPopulatePfnsOps;
  sim::Task<uint32_t> FilemapFault(vm::VmFault& vmf, bool write_fault);
  sim::Task<uint32_t> DaxFault(vm::VmFault& vmf, bool write_fault, vm::Pfn* pfn);
  void MapExtent(uint64_t fsb, const Extent& e);  // in-core, merging nothing
  void UnmapBlocks(uint64_t fsb, uint64_t len, std::vector<Extent>* freed);
  uint64_t MetadataDigest() const;  // what the inode locks protect: size, extents, pinned

  Filesystem* fs_;
  std::string name_;
  uint64_t ino_;
  vm::AddressSpace mapping_;
  uint64_t size_ = 0;
  sim::ObjectId size_obj_;
  ExtentMap extents_;
  bool pinned_ = false;  // in-core metadata newer than the log (ipincount != 0)
  int new_blocks_invalidating_ = 0;
};

// The iomap_ops for DAX (inode.cc): xfs_read_iomap_ops and xfs_direct_write_iomap_ops, which
// stand for ext4_iomap_ops and ext2_iomap_ops too (the ext2 ones being migration option 2's
// shim over ext2_get_blocks).
// xfs_bmbt_to_iomap(): the extent (or hole) containing pos, clipped to [pos, pos + len).
dax::Iomap BmbtToIomap(const Inode& ip, uint64_t pos, uint64_t len);
std::unique_ptr<dax::IomapOps> MakeXfsReadIomapOps(Filesystem* fs);
std::unique_ptr<dax::IomapOps> MakeXfsWriteIomapOps(Filesystem* fs);
// The get_block_t of each filesystem (get_block.cc; for xfs, migration option 3's translation of
// its block map into buffer_heads) and its ->populate_pfns (populate_pfns.cc).
std::unique_ptr<dax::GetBlockOps> MakeGetBlockOps(Filesystem* fs);
std::unique_ptr<dax::PopulatePfnsOps> MakePopulatePfnsOps(Filesystem* fs);

class Filesystem {
 public:
  Filesystem(sim::Sim& sim, vm::Vm& vm, dax::Dax& dax, nvdimm::Pmem& pmem, FsParams params);

  // Setup (no scheduling): a file with size and extents; written extents get `fill` bytes
  // (durably), unwritten ones nothing. The state is committed to the log.
  Inode* CreateFile(const std::string& name, uint64_t size);
  // `block`: where the extent must lie (phys=), if those blocks are free; else (or nullopt) the
  // allocator places it.
  void SetupExtent(Inode* ip, uint64_t offset, uint64_t length, bool unwritten, uint8_t fill,
                   std::optional<uint64_t> block = std::nullopt);
  // A recorded allocation list (place=): blocks allocated for the file's blocks
  // [fsb, fsb + len) come from `block` onwards where those are free, as a real kernel placed
  // them. Static configuration, not state.
  struct Place {
    uint64_t fsb, len, block;
  };
  void SetPlaces(Inode* ip, std::vector<Place> places);
  Inode* Find(const std::string& name);
  const std::vector<std::unique_ptr<Inode>>& inodes() const { return inodes_; }

  // ---- system calls (return 0/bytes or -errno) ----
  sim::Task<int> Truncate(Inode* ip, uint64_t size);  // do_truncate -> xfs_setattr_size
  enum class FallocMode { kAllocate, kPunchHole, kZeroRange };
  sim::Task<int> Fallocate(Inode* ip, FallocMode mode, uint64_t offset, uint64_t len);
  sim::Task<int> Fsync(Inode* ip, uint64_t start, uint64_t end);
  // vfs_getattr (fstat): 0, or -EIO once xfs has shut down (xfs_vn_getattr()).
  sim::Task<int> Getattr(Inode* ip);
  bool shutdown() const { return shutdown_; }
  // `buf.data` holds len bytes: write's source (filled from user memory when `buf.mm`), read's
  // destination.
  sim::Task<int64_t> Write(Inode* ip, uint64_t pos, uint64_t len, const vm::UserBuffer& buf);
  sim::Task<int64_t> Read(Inode* ip, uint64_t pos, uint64_t len, const vm::UserBuffer& buf);

  // ---- crash and recovery ----
  // Power failure: the device keeps one persistent image (chosen), the metadata returns to the
  // last log force; volatile state (entries, page tables) is the caller's to drop.
  void Recover();

  // ---- for invariants ----
  struct Owner {
    Inode* inode;
    uint64_t fsb;
    bool unwritten;
  };
  std::optional<Owner> BlockOwner(uint64_t block) const;
  // BlockOwner() for many lookups in one state: built in one pass over the extents, each
  // lookup a binary search (BlockOwner is linear in the extents; the per-step mapping pass asks
  // once per mapped page). Same answers, the first inode and extent in BlockOwner's order
  // included when extents overlap.
  class OwnerIndex {
   public:
    explicit OwnerIndex(const Filesystem& fs);
    std::optional<Owner> Find(uint64_t block) const;

   private:
    struct Run {
      uint64_t block, len, fsb;
      size_t order;  // position in BlockOwner's iteration
      Inode* inode;
      bool unwritten;
    };
    std::vector<Run> runs_;        // by block
    std::vector<uint64_t> reach_;  // reach_[i]: the largest block + len of runs_[0..i]
  };
  const BlockAllocator& allocator() const { return alloc_; }
  dax::Dax& dax() { return *dax_; }
  const FsParams& params() const { return params_; }
  sim::Sim& sim() { return *sim_; }
  nvdimm::Pmem& pmem() { return *pmem_; }
  vm::Vm& vm() { return *vm_; }
  uint64_t log_forces() const { return log_forces_; }
  // Blocks zeroed (or written) since allocation: exposure before that is a bug (I6).
  bool BlockInitialized(uint64_t block) const { return initialized_[block]; }
  // How often the block was zeroed for an allocation (data written before that is gone).
  uint64_t ZeroCount(uint64_t block) const {
    auto it = zero_counts_.find(block);
    return it == zero_counts_.end() ? 0 : it->second;
  }

  dax::IomapOps& read_ops() { return *read_ops_; }
  dax::IomapOps& write_ops() { return *write_ops_; }
  dax::GetBlockOps& get_block_ops() { return *get_block_ops_; }
  dax::PopulatePfnsOps& populate_ops() { return *populate_ops_; }
  const FsTraits& traits() const { return Traits(params_.kind); }
  bool SupportsMapSync() const { return traits().map_sync && params_.api != DaxApi::kGetBlock; }
  // ext4: write faults and transactions hold a jbd2 handle (shared); a commit waits for every
  // open handle (exclusive).
  sim::RwSem& journal_handle() { return journal_handle_; }
  // An allocation has failed for lack of space (the user-visible oracle excuses errors then).
  bool enospc() const { return enospc_; }

  // For StateModel implementations: every inode in ino order (and the namespace), the
  // allocator, the log (CIL vs durable metadata, pinned inodes), the jbd2 handle rwsem, and the
  // per-block zeroing state.
  uint64_t Digest() const;
  // Changes whenever an inode's size or extents or a block's zeroing state may have (never part
  // of a digest). The entry XArrays note their own changes (vm::Xarray::changes).
  uint64_t block_map_version() const { return block_map_version_; }
  // The log object -> LogDigest(); "agf" -> the allocator; the jbd2 handle rwsem -> Mix(its
  // digest, LogDigest()); then each inode's objects; false for any other id.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;

 private:
  friend class Inode;
  friend class XfsReadIomapOps;
  friend class XfsWriteIomapOps;
  friend class FsGetBlockOps;
  friend class FsPopulatePfnsOps;
  sim::Task<void> BreakLayouts(Inode* ip);  // xfs_break_layouts
  // xfs_iomap_write_direct() / xfs_alloc_file_space(): maps [fsb, fsb + count) under
  // ILOCK_EXCL, allocating holes and converting unwritten extents. `first_only`: as
  // xfs_bmapi_write() with one map (an iomap_begin, ext2_get_blocks(), ext4_map_blocks()), only
  // the extent at fsb: if another thread mapped fsb meanwhile nothing is allocated, else the hole
  // from fsb up to the next mapped block. `*allocated` (if given): whether this call allocated
  // or converted anything.
  sim::Task<int> AllocBlocks(Inode* ip, uint64_t fsb, uint64_t count, bool zero, bool unwritten,
                             Extent* out, bool first_only, bool* allocated = nullptr);
  sim::Task<void> FreeFileSpace(Inode* ip, uint64_t offset, uint64_t len);
  // Under ILOCK_EXCL (ext4: i_data_sem): unmap file blocks [fsb, fsb + count), free them (one
  // step named `step` on the allocator) and commit.
  sim::Task<void> RemoveBlocks(Inode* ip, uint64_t fsb, uint64_t count, const char* step);
  // A write's or write fault's allocation from its ->iomap_begin (IOMAP_* flags).
  sim::Task<int> IomapAlloc(Inode* ip, uint64_t fsb, uint64_t count, uint32_t flags,
                            bool* allocated);
  sim::Task<bool> Ext4ShouldRetryAlloc(int* retries);
  // ext4's fallocate (ext4_fallocate.cc).
  sim::Task<int> Ext4Fallocate(Inode* ip, FallocMode mode, uint64_t offset, uint64_t len);
  sim::Task<int> Ext4PunchHole(Inode* ip, uint64_t offset, uint64_t len);
  sim::Task<int> Ext4ZeroRange(Inode* ip, uint64_t offset, uint64_t len);
  sim::Task<int> Ext4AllocFileBlocks(Inode* ip, uint64_t fsb, uint64_t count, bool convert);
  sim::Task<void> Ext4UpdateDisksizeBeforePunch(Inode* ip, uint64_t offset, uint64_t len);
  sim::Task<void> Ext4ZeroPartialBlocks(Inode* ip, uint64_t offset, uint64_t len);
  sim::Task<void> Ext4RemoveSpace(Inode* ip, uint64_t start, uint64_t stop);
  sim::Task<void> TruncatePagecacheRange(Inode* ip, uint64_t lstart, uint64_t lend);
  sim::Task<bool> ZeroBytes(Inode* ip, uint64_t offset, uint64_t len);  // mapped bytes only
  sim::Task<void> ZeroBlocks(uint64_t block, uint64_t count);           // xfs_zero_extent
  // The log force: -EIO when the device is gone (the log write fails; xfs shuts down).
  sim::Task<int> LogForce();
  // xfs_is_shutdown() at an entry point that checks it (-EIO after): only xfs shuts down, and
  // only after a failed log write, so while the device lives this takes no step.
  sim::Task<bool> IsShutdown();
  // xfs_trans_commit(): the inode's in-core size and extent map go to the CIL (committed_), to
  // become durable at the next log force; the inode is pinned until then.
  void TransCommit(Inode* ip);
  // The log's state: committed_ (CIL), durable_, log_forces_ and which inodes are pinned.
  uint64_t LogDigest() const;

  struct Durable {
    uint64_t size = 0;
    ExtentMap extents;
  };

  uint64_t block_map_version_ = 0;
  sim::Sim* sim_;
  vm::Vm* vm_;
  dax::Dax* dax_;
  nvdimm::Pmem* pmem_;
  FsParams params_;
  BlockAllocator alloc_;
  std::map<const Inode*, std::vector<Place>> places_;  // by inode; each ascending by fsb
  // Where the allocation for blocks [f, f + n) of ip goes: the placed blocks, if a place covers
  // f and they are free (*n shrinks to that place's end), else the allocator's choice (*n
  // shrinks to before the next place, so that its blocks are tried when the loop gets there).
  std::optional<uint64_t> AllocPlaced(const Inode* ip, uint64_t f, uint64_t* n);
  std::vector<std::unique_ptr<Inode>> inodes_;
  std::map<uint64_t, Durable> committed_;  // by ino: as of the last transaction commit (CIL)
  std::map<uint64_t, Durable> durable_;    // by ino: as of the last log force
  bool enospc_ = false;
  bool shutdown_ = false;                     // xfs_force_shutdown(SHUTDOWN_LOG_IO_ERROR) happened
  Bitmap initialized_;                        // by block
  std::map<uint64_t, uint64_t> zero_counts_;  // by block
  sim::ObjectId log_obj_;
  uint64_t log_forces_ = 0;
  std::unique_ptr<dax::IomapOps> read_ops_, write_ops_;
  std::unique_ptr<dax::GetBlockOps> get_block_ops_;
  std::unique_ptr<dax::PopulatePfnsOps> populate_ops_;
  sim::RwSem journal_handle_;
};

}  // namespace daxsim::fs
