// Assembles a DAX world for one execution: device, filesystem, files, setup mappings, the
// property library (props/dax) and one actor per workload actor.
#include <algorithm>

#include "models/dax_world/world.h"
#include "props/dax/props.h"
#include "sim/check.h"

namespace daxsim::models {

namespace {

// Actors whose programs are equal and name only files (no mapping: an mm is one actor's, or
// one process's, and would have to be renamed with it) are interchangeable (Sim::SetSymmetry).
std::vector<int> SymmetryClasses(const workload::Workload& w) {
  std::vector<int> classes(w.actors.size(), -1);
  for (size_t a = 0; a < w.actors.size(); ++a) {
    const auto& ops = w.actors[a].ops;
    const bool files_only = std::all_of(ops.begin(), ops.end(), [](const workload::Op& op) {
      return workload::OpTarget(op.code) == workload::Target::kFile;
    });
    if (!files_only || classes[a] >= 0) continue;
    for (size_t b = a + 1; b < w.actors.size(); ++b) {
      if (w.actors[b].ops == ops) classes[a] = classes[b] = static_cast<int>(a);
    }
  }
  return classes;
}

// The files: extents pinned by phys= first (so the allocator's first fit cannot take their
// blocks), then the rest in workload order; the place= allocation lists.
void SetupFiles(const workload::Workload& w, DaxWorld* world) {
  std::vector<fs::Inode*> inodes;
  for (const auto& f : w.files) inodes.push_back(world->fs().CreateFile(f.name, f.size));
  for (const bool pinned : {true, false}) {
    for (size_t i = 0; i < w.files.size(); ++i) {
      for (const auto& e : w.files[i].extents) {
        if (e.phys.has_value() != pinned) continue;
        world->fs().SetupExtent(
            inodes[i], e.offset, e.length, e.kind == workload::FileSetup::Extent::kUnwritten,
            e.fill, e.phys ? std::optional<uint64_t>(*e.phys >> vm::PAGE_SHIFT) : std::nullopt);
      }
    }
  }
  for (size_t i = 0; i < w.files.size(); ++i) {
    std::vector<fs::Filesystem::Place> places;
    for (const auto& p : w.files[i].places) {
      places.push_back(
          {p.offset >> vm::PAGE_SHIFT, p.length >> vm::PAGE_SHIFT, p.phys >> vm::PAGE_SHIFT});
    }
    if (!places.empty()) world->fs().SetPlaces(inodes[i], std::move(places));
  }
}

}  // namespace

std::unique_ptr<DaxWorld> BuildDaxWorld(sim::Sim& sim, const DaxModelConfig& config,
                                        const workload::Workload& w) {
  auto world = std::make_unique<DaxWorld>(sim, config, w);
  world->history.reserve(64);      // one entry per call and page: spare the regrowth
  sim.SetStateModel(world.get());  // used only by stateful search (SimOptions::stateful)
  SetupFiles(w, world.get());
  int index = 0;
  for (const auto& [name, n] : workload::BarrierParties(w)) {
    world->barriers[name] = std::make_unique<sim::Barrier>(sim, name, index++, n);
  }
  // Address spaces, and the mappings every thread of an mm shares (leading mmaps).
  std::map<std::string, std::unique_ptr<vm::Mm>>& mms = world->mutable_mms();
  for (const auto& a : w.actors) {
    if (!mms.count(a.mm)) mms[a.mm] = std::make_unique<vm::Mm>(sim, a.mm);
    for (const workload::Op& op : a.ops) {  // fixed addresses (addr=): never picked by the mm
      if (op.code == workload::OpCode::kMmap && op.addr != 0) {
        mms[a.mm]->Reserve(op.addr, op.addr + op.length);
      }
    }
  }
  for (const auto& a : w.actors) {
    vm::Mm* mm = mms[a.mm].get();
    for (size_t i = 0; i < workload::SetupOpCount(a); ++i) {
      const workload::Op& op = a.ops[i];
      fs::Inode* ip = world->fs().Find(op.file);
      DAXSIM_CHECK(ip != nullptr);
      const vm::Vma proto = VmaFor(op, ip);
      vm::Vma* vma = mm->InsertVma(proto, op.length);
      ip->mapping().i_mmap.push_back(vma);
      world->setup_maps[a.mm][op.map] = vma;
      // The oracle's history opens with the setup mappings, at step 0.
      DaxWorld::HistoryOp h;
      h.code = workload::OpCode::kMmap;
      h.actor = static_cast<size_t>(&a - w.actors.data());
      h.ino = ip->ino();
      h.map = world->setup_map_ids[a.mm][op.map] = world->next_map_id++;
      h.offset = op.offset;
      h.length = op.length;
      h.shared = proto.shared;
      h.writable = proto.writable;
      h.start = 0;
      h.end = 1;
      world->history.push_back(std::move(h));
    }
  }
  for (const auto& a : w.actors) {
    for (const auto& op : a.ops) {
      world->sigbus_expected |=
          op.code == workload::OpCode::kInjectBadBlock || op.code == workload::OpCode::kUnbind;
    }
  }
  // The copy-on-write the faulting actor's store or pin opened (RecordCow) was zero-filled.
  world->vm().on_cow_copy_zero_filled = [w = world.get()] {
    for (auto it = w->history.rbegin(); it != w->history.rend(); ++it) {
      if (it->cow && it->end < 0 && it->actor == static_cast<size_t>(w->sim().self_id())) {
        it->cow_zero_filled = true;
        return;
      }
    }
  };
  world->dax().on_invalidate_pfn_entry = [w = world.get()](vm::Pfn pfn, uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) w->invalidated_pfns.insert(pfn + i);
  };
  // The actor whose fsync/msync ran the writeback that skipped a locked entry of the file.
  world->dax().on_writeback_skip = [w = world.get()](dax::DaxInode& inode, uint64_t) {
    const auto self = static_cast<size_t>(w->sim().self_id());
    if (self >= w->actor_states.size()) return;
    DaxWorld::ActorState& st = w->actor_states[self];
    if (st.sync_running && st.sync_ino == static_cast<fs::Inode&>(inode).ino()) {
      st.sync_skipped = true;
    }
  };
  world->dax().on_busy_scan_skip = [w = world.get()](vm::Pfn pfn, uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) w->busy_skipped_pfns.insert(pfn + i);
  };
  props::RegisterAll(world.get());
  world->InputChanges();  // the first reading: steps report changes from here
  sim.SetChangeProbe([w = world.get()] { return w->InputChanges(); });
  for (size_t i = 0; i < w.actors.size(); ++i) {
    const sim::ActorId id = sim.Spawn(w.actors[i].name, RunActor(sim, world.get(), i));
    DAXSIM_CHECK(id == static_cast<sim::ActorId>(i));  // the digest names actors by index
    sim.SetActorGroup(id, w.actors[i].mm.empty() ? w.actors[i].name : w.actors[i].mm);
  }
  sim.SetSymmetry(SymmetryClasses(w));
  return world;
}

}  // namespace daxsim::models
