// xfs inodes, their fault handlers and iomap operations. Mirrors: fs/xfs/xfs_file.c
// __xfs_filemap_fault() (MMAPLOCK shared around dax_iomap_fault, dax_finish_sync_fault on
// NEEDDSYNC), xfs_filemap_fault/huge_fault/page_mkwrite/pfn_mkwrite; fs/xfs/xfs_iomap.c
// xfs_read_iomap_begin(), xfs_direct_write_iomap_begin() and xfs_iomap_write_direct() with
// XFS_BMAPI_CONVERT | XFS_BMAPI_ZERO for DAX (6.1).
#include <algorithm>

#include "sim/check.h"
#include "sim/dax/entry.h"
#include "sim/fs/fs.h"

namespace daxsim::fs {

using sim::Access;
using namespace vm;

Inode::Inode(Filesystem* fs, sim::Sim& sim, std::string name, uint64_t ino)
    : i_rwsem(sim, "i_rwsem", "i_rwsem"),
      invalidate_lock(sim, fs->traits().mmap_lock, fs->traits().mmap_lock),
      ilock(sim, fs->traits().alloc_lock, fs->traits().alloc_lock),
      fs_(fs),
      name_(std::move(name)),
      ino_(ino),
      mapping_(sim, name_, ino),
      size_obj_(sim.NewObject("i_size", static_cast<int>(ino))) {
  mapping_.i_pages.set_lock_bits(dax::DAX_LOCKED);
}

std::optional<std::pair<uint64_t, Extent>> Inode::Lookup(uint64_t fsb) const {
  auto it = extents_.upper_bound(fsb);
  if (it == extents_.begin()) return std::nullopt;
  --it;
  if (fsb >= it->first + it->second.len) return std::nullopt;
  return *it;
}

uint64_t Inode::NextMapped(uint64_t fsb) const {
  auto it = extents_.lower_bound(fsb);
  return it == extents_.end() ? UINT64_MAX : it->first;
}

void Inode::MapExtent(uint64_t fsb, const Extent& e) {
  std::vector<Extent> none;
  UnmapBlocks(fsb, e.len, &none);
  extents_[fsb] = e;
  ++fs_->block_map_version_;
}

// Removes file blocks [fsb, fsb + len) from the map, splitting extents; `freed` gets the
// device ranges that were mapped there.
void Inode::UnmapBlocks(uint64_t fsb, uint64_t len, std::vector<Extent>* freed) {
  const uint64_t end = fsb + len;
  ExtentMap out;
  for (const auto& [start, e] : extents_) {
    const uint64_t e_end = start + e.len;
    if (e_end <= fsb || start >= end) {
      out[start] = e;
      continue;
    }
    if (start < fsb) out[start] = Extent{e.block, fsb - start, e.unwritten};
    if (e_end > end) out[end] = Extent{e.block + (end - start), e_end - end, e.unwritten};
    const uint64_t lo = std::max(start, fsb), hi = std::min(e_end, end);
    freed->push_back(Extent{e.block + (lo - start), hi - lo, e.unwritten});
  }
  extents_ = std::move(out);
  ++fs_->block_map_version_;
}

// ---- digests ----

uint64_t MixExtents(uint64_t h, const ExtentMap& extents) {
  h = sim::Mix(h, extents.size());
  for (const auto& [fsb, e] : extents) {
    h = sim::Mix(sim::Mix(sim::Mix(sim::Mix(h, fsb), e.block), e.len), e.unwritten);
  }
  return h;
}

uint64_t Inode::MetadataDigest() const {
  return sim::Mix(MixExtents(sim::Mix(ino_, size_), extents_), pinned_);
}

// name_ is in Filesystem::Digest's namespace part; fs_ and size_obj_ are fixed at construction.
uint64_t Inode::Digest() const {
  uint64_t h = sim::Mix(MetadataDigest(), i_rwsem.Digest());
  h = sim::Mix(sim::Mix(h, invalidate_lock.Digest()), ilock.Digest());
  return sim::Mix(h, mapping_.Digest());
}

bool Inode::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  if (id == size_obj_) {
    *out = sim::Mix(size_obj_, size_);  // i_size_read(): the size alone
    return true;
  }
  for (const sim::RwSem* sem : {&i_rwsem, &invalidate_lock, &ilock}) {
    if (id == sem->id()) {
      *out = MetadataDigest();  // a lock: what it protects (sim::StateModel)
      return true;
    }
  }
  return mapping_.ObjectDigest(id, out);
}

// ---- faults ----

bool Inode::HugeFaults() const { return fs_->traits().huge_faults; }

sim::Task<uint32_t> Inode::FilemapFault(VmFault& vmf, bool write_fault) {
  const FsTraits& traits = fs_->traits();
  auto _ = fs_->sim().Enter(traits.fault_fn);
  // Bug kFaultTruncateRace (pre-283307c7607d): faults are not serialised with truncate.
  const bool mmaplock = !fs_->params().bugs(Bug::kFaultTruncateRace);
  // The fault reads nothing these locks protect in the steps that take them (later steps read
  // what they use), so the acquisitions observe nothing (stateful search).
  if (mmaplock) {
    co_await invalidate_lock.DownRead();
    fs_->sim().Observed(0);
  }
  // ext4_dax_huge_fault(): a write fault runs inside a jbd2 handle (taken after the invalidate
  // lock); an ENOSPC is retried after the handle is stopped and the journal committed.
  const bool handle = traits.fault_journal_handle && write_fault;
  Pfn pfn = 0;
  uint32_t ret = 0;
  int retries = 0;
  for (;;) {
    if (handle) {
      co_await fs_->journal_handle().DownRead();
      fs_->sim().Observed(0);
    }
    vmf.iomap_err = 0;
    sim::CallSummary handler(&fs_->sim(), 0xda7);
    ret = co_await DaxFault(vmf, write_fault, &pfn);
    handler.Returned(sim::Mix(sim::Mix(ret, pfn), vmf.Digest()));
    if (!handle) break;
    co_await fs_->journal_handle().UpRead();  // ext4_journal_stop()
    bool retry = false;
    if ((ret & VM_FAULT_ERROR) && vmf.iomap_err == -28) {
      retry = co_await fs_->Ext4ShouldRetryAlloc(&retries);
    }
    if (!retry) break;
  }
  if (ret & VM_FAULT_NEEDDSYNC) {
    // dax_finish_sync_fault(): make the metadata durable, then map writable.
    const unsigned order = vmf.pe_size == PageEntrySize::kPmd ? PMD_ORDER : 0;
    const uint64_t start = (vmf.pgoff & ~((uint64_t{1} << order) - 1)) << PAGE_SHIFT;
    sim::CallSummary fsync(&fs_->sim(), 0xf5c);
    const int err = co_await fs_->Fsync(this, start, start + (PAGE_SIZE << order) - 1);
    fsync.Returned(static_cast<uint64_t>(err));
    ret = err ? VM_FAULT_SIGBUS : co_await fs_->dax().InsertPfnMkwrite(vmf, pfn, order, *this);
  }
  if (mmaplock) co_await invalidate_lock.UpRead();
  co_return ret;
}

// The DAX front end the filesystem was built with.
sim::Task<uint32_t> Inode::DaxFault(VmFault& vmf, bool write_fault, Pfn* pfn) {
  switch (fs_->params().api) {
    case DaxApi::kIomap: {
      dax::IomapOps& ops = (write_fault && !vmf.cow_page) ? fs_->write_ops() : fs_->read_ops();
      co_return co_await fs_->dax().IomapFault(vmf, pfn, *this, ops);
    }
    case DaxApi::kGetBlock:
      co_return co_await fs_->dax().GetBlockFault(vmf, *this, fs_->get_block_ops());
    case DaxApi::kPopulatePfns:
      co_return co_await fs_->dax().PopulateFault(vmf, pfn, *this, fs_->populate_ops());
  }
  co_return VM_FAULT_SIGBUS;
}

sim::Task<uint32_t> Inode::Fault(VmFault& vmf) {
  co_return co_await FilemapFault(vmf, vmf.Write() && vmf.vma->shared);
}

sim::Task<uint32_t> Inode::HugeFault(VmFault& vmf) {
  co_return co_await FilemapFault(vmf, vmf.Write() && vmf.vma->shared);
}

sim::Task<uint32_t> Inode::PageMkwrite(VmFault& vmf) { co_return co_await FilemapFault(vmf, true); }
sim::Task<uint32_t> Inode::PfnMkwrite(VmFault& vmf) { co_return co_await FilemapFault(vmf, true); }

sim::Task<int> Inode::Fsync(uint64_t start, uint64_t end) {
  co_return co_await fs_->Fsync(this, start, end);
}

// ---- iomap operations ----

dax::Iomap BmbtToIomap(const Inode& ip, uint64_t pos, uint64_t len) {
  const uint64_t fsb = pos >> PAGE_SHIFT;
  const uint64_t end_fsb = (pos + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
  dax::Iomap m;
  m.offset = fsb << PAGE_SHIFT;
  if (auto e = ip.Lookup(fsb)) {
    const uint64_t n = std::min(e->first + e->second.len, end_fsb) - fsb;
    m.length = n << PAGE_SHIFT;
    m.block = e->second.block + (fsb - e->first);
    m.type = e->second.unwritten ? dax::IomapType::kUnwritten : dax::IomapType::kMapped;
  } else {
    m.length = (std::min(ip.NextMapped(fsb), end_fsb) - fsb) << PAGE_SHIFT;
    m.type = dax::IomapType::kHole;
  }
  return m;
}

class XfsReadIomapOps : public dax::IomapOps {
 public:
  explicit XfsReadIomapOps(Filesystem* fs) : fs_(fs) {}
  sim::Task<int> IomapBegin(dax::DaxInode& inode, uint64_t pos, uint64_t len, uint32_t flags,
                            dax::Iomap* iomap) override {
    auto _ = fs_->sim().Enter(fs_->traits().read_iomap_begin);
    const bool down = co_await fs_->IsShutdown();
    if (down) co_return -5;  // xfs_read_iomap_begin(): -EIO
    Inode& ip = static_cast<Inode&>(inode);
    co_await ip.ilock.DownRead();
    *iomap = BmbtToIomap(ip, pos, len);
    if (ip.pinned_) iomap->flags |= dax::IOMAP_F_DIRTY;
    co_await ip.ilock.UpRead();
    co_return 0;
  }

 private:
  Filesystem* fs_;
};

class XfsWriteIomapOps : public dax::IomapOps {
 public:
  explicit XfsWriteIomapOps(Filesystem* fs) : fs_(fs) {}
  sim::Task<int> IomapBegin(dax::DaxInode& inode, uint64_t pos, uint64_t len, uint32_t flags,
                            dax::Iomap* iomap) override {
    auto _ = fs_->sim().Enter(fs_->traits().write_iomap_begin);
    const bool down = co_await fs_->IsShutdown();
    if (down) co_return -5;  // xfs_direct_write_iomap_begin(): -EIO
    Inode& ip = static_cast<Inode&>(inode);
    uint32_t iomap_flags = 0;
    if (pos + len > ip.i_size()) iomap_flags |= dax::IOMAP_F_DIRTY;
    co_await ip.ilock.DownRead();
    dax::Iomap m = BmbtToIomap(ip, pos, len);
    const bool needs_alloc = m.type != dax::IomapType::kMapped;  // hole, or unwritten on DAX
    if (!needs_alloc) {
      if (ip.pinned_) iomap_flags |= dax::IOMAP_F_DIRTY;
      co_await ip.ilock.UpRead();
      m.flags = iomap_flags;
      *iomap = m;
      co_return 0;
    }
    // allocate_blocks: at most 1024 pages, within the hole or unwritten extent.
    const uint64_t fsb = pos >> PAGE_SHIFT;
    const uint64_t count = std::min<uint64_t>(m.length >> PAGE_SHIFT, 1024);
    co_await ip.ilock.UpRead();
    bool allocated = false;
    const int err = co_await fs_->IomapAlloc(&ip, fsb, count, flags, &allocated);
    if (err < 0) co_return err;
    *iomap = BmbtToIomap(ip, pos, len);
    // xfs: IOMAP_F_NEW even if a racing fault mapped the range first (the README finding).
    const bool fresh = allocated || fs_->traits().write_new_always;
    iomap->flags =
        iomap_flags | (fresh ? dax::IOMAP_F_NEW : 0) | (ip.pinned_ ? dax::IOMAP_F_DIRTY : 0);
    co_return 0;
  }

 private:
  Filesystem* fs_;
};

// xfs_iomap_write_direct(), or ext4_iomap_alloc(): ext4 allocates in a jbd2 handle of its own
// (nested in a fault's, which then holds one already) and, outside a fault, retries an ENOSPC
// after the handle is stopped and the journal committed (a fault's own retry is in
// Inode::FilemapFault(): with its handle open jbd2_journal_force_commit_nested() cannot commit).
sim::Task<int> Filesystem::IomapAlloc(Inode* ip, uint64_t fsb, uint64_t count, uint32_t flags,
                                      bool* allocated) {
  const bool zero = !params_.bugs(Bug::kUnzeroedNewBlocks);
  const bool handle = params_.kind == FsKind::kExt4 && !(flags & dax::IOMAP_FAULT);
  int retries = 0;
  for (;;) {
    if (handle) co_await journal_handle_.DownRead();  // ext4_journal_start()
    Extent e;
    const int err = co_await AllocBlocks(ip, fsb, count, zero, /*unwritten=*/false, &e,
                                         /*first_only=*/true, allocated);
    if (!handle) co_return err;
    co_await journal_handle_.UpRead();  // ext4_journal_stop()
    bool retry = false;
    if (err == -28) retry = co_await Ext4ShouldRetryAlloc(&retries);
    if (!retry) co_return err;
  }
}

// ext4_should_retry_alloc(): only while frees wait for a commit (s_mb_free_pending), at most 3
// times; jbd2_journal_force_commit_nested() commits them (the caller holds no handle).
sim::Task<bool> Filesystem::Ext4ShouldRetryAlloc(int* retries) {
  if (!alloc_.busy() || ++*retries > 3) co_return false;
  co_await LogForce();
  co_return true;
}

// xfs_iomap_write_direct() / xfs_alloc_file_space(): a transaction under ILOCK_EXCL that maps
// [fsb, fsb + count): holes get new blocks, unwritten extents are converted (for DAX writes);
std::unique_ptr<dax::IomapOps> MakeXfsReadIomapOps(Filesystem* fs) {
  return std::make_unique<XfsReadIomapOps>(fs);
}
std::unique_ptr<dax::IomapOps> MakeXfsWriteIomapOps(Filesystem* fs) {
  return std::make_unique<XfsWriteIomapOps>(fs);
}

// with `zero` the new or converted blocks are zeroed before they enter the extent map
// (xfs_bmapi_allocate / xfs_bmapi_convert_unwritten with XFS_BMAPI_ZERO), and so before the commit.
void Filesystem::SetPlaces(Inode* ip, std::vector<Place> places) {
  places_[ip] = std::move(places);
}

std::optional<uint64_t> Filesystem::AllocPlaced(const Inode* ip, uint64_t f, uint64_t* n) {
  auto it = places_.find(ip);
  if (it != places_.end()) {
    for (const Place& p : it->second) {
      if (p.fsb + p.len <= f) continue;
      if (p.fsb > f) {  // the next place starts inside the run: stop the run there
        *n = std::min(*n, p.fsb - f);
        break;
      }
      const uint64_t m = std::min(*n, p.fsb + p.len - f);
      if (alloc_.AllocAt(p.block + (f - p.fsb), m)) {
        *n = m;
        return p.block + (f - p.fsb);
      }
      *n = m;
      break;
    }
  }
  return alloc_.Alloc(*n);
}

sim::Task<int> Filesystem::AllocBlocks(Inode* ip, uint64_t fsb, uint64_t count, bool zero,
                                       bool unwritten, Extent* out, bool first_only,
                                       bool* allocated) {
  auto _ = sim_->Enter(traits().alloc_fn);
  co_await ip->ilock.DownWrite();
  int err = 0;
  bool changed = false;
  for (uint64_t f = fsb; f < fsb + count;) {
    if (auto e = ip->Lookup(f)) {
      const uint64_t n = std::min(e->first + e->second.len, fsb + count) - f;
      if (e->second.unwritten && !unwritten) {  // XFS_BMAPI_CONVERT
        const uint64_t block = e->second.block + (f - e->first);
        if (zero) co_await ZeroBlocks(block, n);
        ip->MapExtent(f, Extent{block, n, false});
        changed = true;
      }
      f += n;
      if (first_only) break;
      continue;
    }
    uint64_t n = std::min(ip->NextMapped(f), fsb + count) - f;
    co_await sim_->Point("xfs_bmapi_write (allocate)", {alloc_.object(), Access::kWrite});
    std::optional<uint64_t> block = AllocPlaced(ip, f, &n);
    if (!block && alloc_.busy() && params_.kind != FsKind::kExt4) {
      // xfs_extent_busy_flush(): only busy space is left; commit the frees and retry. (ext4's
      // allocator returns ENOSPC; its callers stop their handle and retry after a commit,
      // Ext4ShouldRetryAlloc().)
      co_await LogForce();  // xfs_extent_busy_flush() ignores a failed force
      block = alloc_.Alloc(n);
    }
    if (!block) {
      err = -28;  // ENOSPC
      enospc_ = true;
      break;
    }
    if (zero && !unwritten) co_await ZeroBlocks(*block, n);
    ip->MapExtent(f, Extent{*block, n, unwritten});
    changed = true;
    f += n;
    if (first_only) break;
  }
  if (changed) TransCommit(ip);
  if (allocated != nullptr) *allocated = changed;
  if (out != nullptr && err == 0) {
    if (auto e = ip->Lookup(fsb)) *out = e->second;
  }
  co_await ip->ilock.UpWrite();
  co_return err;
}

}  // namespace daxsim::fs
