// The buffer_head front end. Mirrors: fs/dax.c dax_fault() of v4.8 (grab_mapping_entry, a
// get_block lookup, a second get_block with create for a write to a hole, dax_load_hole for a
// read of one, copy-on-write for private mappings, dax_insert_mapping) with the fixes later
// kernels made independently of the API (the entry stays locked across the PTE insertion, so a
// pfn_mkwrite is serialised with writeback). No MAP_SYNC (it came with iomap, v4.15) and no PMD
// faults (CONFIG_FS_DAX_PMD depended on BROKEN until the iomap PMD path of v4.9). No fs_dax
// tracepoints either: they were added with the iomap fault path.
// Scheduling points: i_size read, the entry lock, both get_block calls, the insertion.
#include "sim/dax/dax.h"

namespace daxsim::dax {

using sim::Access;
using namespace vm;

namespace {

Iomap FromBufferHead(const BufferHead& bh, uint64_t pos) {
  Iomap m;
  m.offset = pos;
  m.length = bh.b_size;
  m.block = bh.b_blocknr;
  m.type =
      bh.mapped ? (bh.unwritten ? IomapType::kUnwritten : IomapType::kMapped) : IomapType::kHole;
  if (bh.new_) m.flags |= IOMAP_F_NEW;
  return m;
}

}  // namespace

sim::Task<uint32_t> Dax::GetBlockFault(VmFault& vmf, DaxInode& inode, GetBlockOps& ops) {
  if (vmf.pe_size == PageEntrySize::kPmd) {
    co_await SplitHugePmd(vmf);
    co_return VM_FAULT_FALLBACK;
  }
  auto _ = sim_->Enter("dax_fault");
  vm::Xarray& xa = inode.mapping().i_pages;
  const uint64_t pos = vmf.pgoff << PAGE_SHIFT;
  uint64_t size = 0;
  co_await ReadSize(inode, &size);
  if (pos >= size) co_return VM_FAULT_SIGBUS;
  const Grabbed g = co_await GrabMappingEntry(inode, vmf.pgoff, 0);
  if (g.error) co_return g.error;
  uint64_t entry = g.entry;
  uint32_t ret = 0;
  BufferHead bh;
  bh.b_size = PAGE_SIZE;
  int err = co_await ops.GetBlock(inode, vmf.pgoff, &bh, false);
  if (err == 0 && bh.b_size < PAGE_SIZE) err = -5;  // -EIO
  if (err < 0) {
    ret = DaxFaultReturn(err);
  } else if (vmf.cow_page) {
    ret = co_await FaultCowPage(vmf, FromBufferHead(bh, pos), pos);
  } else {
    const bool write = vmf.Write();
    if (!bh.mapped && write) {
      bh = BufferHead{};
      bh.b_size = PAGE_SIZE;
      err = co_await ops.GetBlock(inode, vmf.pgoff, &bh, true);
      if (err == 0 && bh.b_size < PAGE_SIZE) err = -5;
      ret = VM_FAULT_MAJOR;
    }
    if (err < 0) {
      ret = DaxFaultReturn(err);
    } else if (!bh.mapped) {
      ret = co_await LoadHole(inode, vmf, vmf.pgoff, &entry, /*dirty=*/false);
    } else if (bh.unwritten) {
      ret = VM_FAULT_SIGBUS;  // WARN_ON_ONCE(buffer_unwritten(&bh)): a DAX get_block never does
    } else {
      // dax_insert_mapping(): dax_map_atomic() (the direct access), the entry, vm_insert_mixed.
      Pfn pfn = 0;
      err = IomapPfn(FromBufferHead(bh, pos), pos, PAGE_SIZE, &pfn);
      if (err < 0) {
        ret = DaxFaultReturn(err);
      } else {
        entry = co_await InsertEntry(inode, vmf, vmf.pgoff, entry, pfn, 0, write);
        ret |= co_await vm_->InsertPfn(vmf.vma, vmf.address, pfn, write, false);
      }
    }
  }
  co_await UnlockEntryAt(xa, vmf.pgoff, entry);  // put_locked_mapping_entry()
  co_return ret;
}

}  // namespace daxsim::dax
