#include "models/dax_world/world.h"

#include <algorithm>

#include "sim/check.h"

namespace daxsim::models {

namespace {

uint64_t DevicePages(const workload::Workload& w, const DaxModelConfig& c) {
  uint64_t total = 0;
  for (const auto& f : w.files) total += (f.size + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE;
  uint64_t pages = c.fs.data_start + 2 * total + 2048;
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
      fs_(sim, vm_, dax_, pmem_, config.fs) {}

std::vector<uint8_t> DaxWorld::ReadFilePage(const fs::Inode& ip, uint64_t page) const {
  std::vector<uint8_t> out(vm::PAGE_SIZE, 0);
  if (auto e = ip.Lookup(page); e && !e->second.unwritten) {
    const uint64_t block = e->second.block + (page - e->first);
    pmem_.Load(pmem_.PgoffToPfn(block) << vm::PAGE_SHIFT, out.data(), out.size());
  }
  return out;
}

vm::Vma VmaFor(const workload::Op& op, fs::Inode* ip) {
  vm::Vma proto;
  proto.pgoff = op.offset >> vm::PAGE_SHIFT;
  proto.shared = op.shared || op.sync;
  proto.writable = op.write_access;
  proto.sync = op.sync;
  proto.mapping = &ip->mapping();
  proto.ops = ip;
  proto.name = op.map;
  return proto;
}

std::unique_ptr<DaxWorld> BuildDaxWorld(sim::Sim& sim, const DaxModelConfig& config,
                                        const workload::Workload& w) {
  auto world = std::make_unique<DaxWorld>(sim, config, w);
  for (const auto& f : w.files) {
    fs::Inode* ip = world->fs().CreateFile(f.name, f.size);
    for (const auto& e : f.extents) {
      world->fs().SetupExtent(ip, e.offset, e.length,
                              e.kind == workload::FileSetup::Extent::kUnwritten, e.fill);
    }
  }
  // Address spaces, and the mappings every thread of an mm shares (leading mmaps).
  std::map<std::string, std::unique_ptr<vm::Mm>>& mms = world->mutable_mms();
  for (const auto& a : w.actors) {
    if (!mms.count(a.mm)) mms[a.mm] = std::make_unique<vm::Mm>(sim, a.mm);
    vm::Mm* mm = mms[a.mm].get();
    for (size_t i = 0; i < workload::SetupOpCount(a); ++i) {
      const workload::Op& op = a.ops[i];
      fs::Inode* ip = world->fs().Find(op.file);
      DAXSIM_CHECK(ip != nullptr);
      const vm::Vma proto = VmaFor(op, ip);
      vm::Vma* vma = mm->InsertVma(proto, op.length);
      ip->mapping().i_mmap.push_back(vma);
      world->setup_maps[a.mm][op.map] = vma;
    }
  }
  for (const auto& a : w.actors) {
    for (const auto& op : a.ops) {
      world->sigbus_expected |= op.code == workload::OpCode::kPoison ||
                                op.code == workload::OpCode::kInjectBadBlock ||
                                op.code == workload::OpCode::kUnbind;
    }
  }
  RegisterInvariants(world.get());
  for (size_t i = 0; i < w.actors.size(); ++i) {
    sim.Spawn(w.actors[i].name, RunActor(sim, world.get(), i));
  }
  return world;
}

}  // namespace daxsim::models
