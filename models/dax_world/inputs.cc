// DaxWorld::InputChanges: the world's change probe for partial-order reduction (world.h;
// Sim::AddInvariant). A class is reported changed when a version or journal length it is read
// from differs from the last reading: a step that changed nothing an invariant reads is
// invisible to it, and DPOR may reorder it freely.
#include <utility>

#include "models/dax_world/world.h"
#include "sim/digest.h"

namespace daxsim::models {

namespace {

// Into `in`, whose vectors keep their capacity (this runs after every step).
void Read(DaxWorld* w, DaxWorld::Inputs& in) {
  in.mappings.clear();
  in.entries.clear();
  in.mappings.push_back(w->mms().size());
  for (const auto& [name, mm] : w->mms()) {
    in.mappings.push_back(mm->vma_version());
    in.mappings.push_back(mm->pt.changes().size());
  }
  in.entries.push_back(w->fs().inodes().size());
  for (const auto& ip : w->fs().inodes()) {
    // Entry locking changes only the lock bit, which no every-step invariant reads.
    const vm::Xarray& xa = ip->mapping().i_pages;
    in.entries.push_back(xa.changes().size() - xa.lock_changes());
  }
  in.blocks = sim::Mix(w->fs().block_map_version(), w->fs().inodes().size());
  in.pins = w->pins.size();
  for (const DaxWorld::Pin& p : w->pins) {
    in.pins = sim::Mix(sim::Mix(sim::Mix(in.pins, p.pfn), p.inode ? p.inode->ino() : 0), p.fsb);
  }
  in.device = w->pmem().alive() ? 1 : 0;
}

}  // namespace

uint64_t DaxWorld::InputChanges() {
  Inputs& now = inputs_scratch;
  Read(this, now);
  uint64_t changed = 0;
  if (now.mappings != inputs_seen.mappings) changed |= kReadsMappings;
  if (now.entries != inputs_seen.entries) changed |= kReadsEntries;
  if (now.blocks != inputs_seen.blocks) changed |= kReadsBlocks;
  if (now.pins != inputs_seen.pins) changed |= kReadsPins;
  if (now.device != inputs_seen.device) changed |= kReadsDevice;
  std::swap(inputs_seen, now);
  return changed;
}

}  // namespace daxsim::models
