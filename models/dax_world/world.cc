#include "models/dax_world/world.h"

#include <algorithm>

#include "sim/check.h"

namespace daxsim::models {

namespace {

uint64_t DevicePages(const workload::Workload& w, const DaxModelConfig& c) {
  uint64_t total = 0;
  for (const auto& f : w.files) total += (f.size + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE;
  uint64_t pages = c.fs.data_start + 2 * total + 2048;
  // Pinned layouts (phys=, place=) lie where the kernel put them: the device reaches past them,
  // with the same room again for the allocator.
  uint64_t pinned_end = 0;
  for (const auto& f : w.files) {
    for (const auto& e : f.extents) {
      if (e.phys) pinned_end = std::max(pinned_end, (*e.phys + e.length) / vm::PAGE_SIZE);
    }
    for (const auto& p : f.places)
      pinned_end = std::max(pinned_end, (p.phys + p.length) / vm::PAGE_SIZE);
  }
  if (pinned_end > 0) pages = std::max(pages, pinned_end + 2 * total + 2048);
  return (pages + 511) / 512 * 512;
}

}  // namespace

DaxWorld::DaxWorld(sim::Sim& sim, const DaxModelConfig& config, const workload::Workload& w)
    : sim_(&sim),
      workload_(&w),
      pmem_(kBasePfn, DevicePages(w, config), config.platform),
      phys_(sim, &pmem_),
      vm_(sim, phys_, config.bugs),
      dax_(sim, vm_, pmem_, config.wait_table_bits, config.bugs),
      fs_(sim, vm_, dax_, pmem_, config.fs) {
  dax_.set_locked_entries(config.locked_entries);
  sim.SetAllocFailures(config.alloc_failures);  // before the actors are spawned
  actor_states.resize(w.actors.size());
}

std::vector<uint8_t> DaxWorld::ReadFilePage(const fs::Inode& ip, uint64_t page) const {
  std::vector<uint8_t> out(vm::PAGE_SIZE, 0);
  if (auto e = ip.Lookup(page); e && !e->second.unwritten) {
    const uint64_t block = e->second.block + (page - e->first);
    pmem_.Load(pmem_.PgoffToPfn(block) << vm::PAGE_SHIFT, out.data(), out.size());
  }
  return out;
}

// The workload's window for fixed addresses is the model's whole mmap area.
static_assert(workload::kFixedAddrMin == vm::Mm::kMmapBase);
static_assert(workload::kFixedAddrEnd ==
              vm::Mm::kMmapBase + uint64_t{vm::Mm::kPmdSlots} * vm::PMD_SIZE);

vm::Vma VmaFor(const workload::Op& op, fs::Inode* ip) {
  vm::Vma proto;
  proto.pgoff = op.offset >> vm::PAGE_SHIFT;
  proto.start = op.addr;  // 0: Mm::InsertVma picks it
  proto.shared = op.shared || op.sync;
  proto.writable = op.write_access;
  proto.sync = op.sync;
  proto.mapping = &ip->mapping();
  proto.ops = ip;
  proto.name = op.map;
  return proto;
}

}  // namespace daxsim::models
