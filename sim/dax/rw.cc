// read(2)/write(2) on a DAX file. Mirrors: fs/dax.c dax_iomap_rw() and dax_iomap_iter()
// (6.1): no entry locks for the copy; a write that allocated new blocks first invalidates the
// range (waiting for any fault holding an entry there, dropping zero-page entries and their
// mappings) so mmap sees the new data; copies go through memcpy_flushcache (NT stores).
// Scheduling points: ->iomap_begin/->iomap_end, the invalidation, one step per page copied. A
// copy through a user buffer that faults after some progress ends the iteration; iomap_iter()
// then starts another at the fault, whose copy faults at once and ends the call (6.1).
#include <algorithm>

#include "sim/check.h"
#include "sim/dax/dax.h"

namespace daxsim::dax {

using namespace vm;

sim::Task<int64_t> Dax::IomapRw(DaxInode& inode, IomapOps& ops, uint64_t pos, uint64_t len,
                                bool write, const UserBuffer& user) {
  uint8_t* const buf = user.data;
  auto _ = sim_->Enter("dax_iomap_rw");
  uint64_t end = pos + len;
  if (!write) {
    uint64_t size = 0;
    co_await ReadSize(inode, &size);
    end = std::min(end, size);
    if (pos >= end) co_return 0;
  }
  const uint64_t start = pos;
  if (write && bugs_(Bug::kWriteZeroPageRace)) {
    // Pre-e3fce68cdbed dax_iomap_rw(): the whole range invalidated before ->iomap_begin
    // allocates ("XXX: This is racy against mmap"): a read fault that maps the hole's zero page
    // after this and before the allocation keeps it over the new block.
    co_await InvalidateInodePages2Range(inode, pos >> PAGE_SHIFT, (end - 1) >> PAGE_SHIFT);
  }
  while (pos < end) {
    Iomap iomap;
    const uint32_t flags = IOMAP_DAX | (write ? IOMAP_WRITE : 0);
    const int err = co_await ops.IomapBegin(inode, pos, end - pos, flags, &iomap);
    if (err < 0) co_return pos > start ? static_cast<int64_t>(pos - start) : err;
    const uint64_t chunk_end = std::min(end, iomap.offset + iomap.length);
    DAXSIM_CHECK(chunk_end > pos);
    if (!write && iomap.type != IomapType::kMapped) {
      std::fill(buf + (pos - start), buf + (chunk_end - start), 0);  // iov_iter_zero()
      const uint64_t n = co_await vm_->CopyUser(user, pos - start, chunk_end - pos, true);
      if (n < chunk_end - pos) {
        co_await ops.IomapEnd(inode, pos, chunk_end - pos, n, flags, iomap);
        if (n == 0) co_return pos > start ? static_cast<int64_t>(pos - start) : -14;  // EFAULT
        pos += n;  // iomap_iter() goes on after progress: the next copy faults again
        continue;
      }
    } else {
      if (iomap.type != IomapType::kMapped) co_return -5;
      // Bug kWriteZeroPageRace (pre-e3fce68cdbed): invalidated before the allocation instead.
      // Bug kInvalidateDirty restores the v4.10 state too: xfs_file_dax_write() invalidated its
      // whole range, allocated or not.
      if (write && (((iomap.flags & IOMAP_F_NEW) && !bugs_(Bug::kWriteZeroPageRace)) ||
                    bugs_(Bug::kInvalidateDirty))) {
        co_await InvalidateInodePages2Range(inode, pos >> PAGE_SHIFT,
                                            (chunk_end - 1) >> PAGE_SHIFT);
      }
      uint64_t cut = UINT64_MAX;  // where a copy through the user buffer stopped
      for (uint64_t p = pos; p < chunk_end;) {
        const uint64_t page_end = std::min(chunk_end, (p & ~(PAGE_SIZE - 1)) + PAGE_SIZE);
        const uint64_t block = iomap.block + ((p - iomap.offset) >> PAGE_SHIFT);
        const nvdimm::Pmem::DirectAccessResult da = pmem_->DirectAccess(block, 1);
        if (da.err < 0) co_return p > start ? static_cast<int64_t>(p - start) : da.err;
        const uint64_t paddr = (da.pfn << PAGE_SHIFT) + (p & (PAGE_SIZE - 1));
        // dax_copy_from_iter(): copy_from_user, then the NT stores; dax_copy_to_iter(): the
        // machine-check-safe load, then copy_to_user. A user buffer that faults cuts the copy.
        uint64_t n = page_end - p;
        if (write) n = co_await vm_->CopyUser(user, p - start, n, /*to_user=*/false);
        co_await sim_->Point(
            write ? "dax_copy_from_iter" : "dax_copy_to_iter",
            {vm_->phys().PageObject(da.pfn), write ? sim::Access::kWrite : sim::Access::kRead});
        if (write) {
          pmem_->MemcpyFlushcache(paddr, buf + (p - start), n);
        } else if (!pmem_->LoadChecked(paddr, buf + (p - start), n)) {
          co_return p > start ? static_cast<int64_t>(p - start) : -5;
        } else {
          n = co_await vm_->CopyUser(user, p - start, n, /*to_user=*/true);
        }
        if (n < page_end - p) {
          cut = p + n;
          break;
        }
        p = page_end;
      }
      if (cut != UINT64_MAX) {  // the user buffer faulted (dax_iomap_iter(): xfer < map_len)
        co_await ops.IomapEnd(inode, pos, chunk_end - pos, cut - pos, flags, iomap);
        if (cut == pos) co_return pos > start ? static_cast<int64_t>(pos - start) : -14;  // EFAULT
        pos = cut;  // iomap_iter() goes on after progress: the next copy faults again
        continue;
      }
    }
    co_await ops.IomapEnd(inode, pos, chunk_end - pos, chunk_end - pos, flags, iomap);
    pos = chunk_end;
  }
  co_return static_cast<int64_t>(pos - start);
}

}  // namespace daxsim::dax
