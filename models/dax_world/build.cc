// Assembles a DAX world for one execution: device, filesystem, files, setup mappings, the
// property library (props/dax) and one actor per workload actor.
#include "models/dax_world/world.h"
#include "props/dax/props.h"
#include "sim/check.h"

namespace daxsim::models {

std::unique_ptr<DaxWorld> BuildDaxWorld(sim::Sim& sim, const DaxModelConfig& config,
                                        const workload::Workload& w) {
  auto world = std::make_unique<DaxWorld>(sim, config, w);
  sim.SetStateModel(world.get());  // used only by stateful search (SimOptions::stateful)
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
  props::RegisterAll(world.get());
  for (size_t i = 0; i < w.actors.size(); ++i) {
    sim.Spawn(w.actors[i].name, RunActor(sim, world.get(), i));
  }
  return world;
}

}  // namespace daxsim::models
