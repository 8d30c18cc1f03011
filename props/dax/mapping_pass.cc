// The per-step pass over every user mapping of a device pfn: runs the per-mapping predicates of
// I1 (CheckMappingCoherence), I6 (CheckExposure), I2 (CheckEntryOfMapping) and I5
// (CheckWriteTracking) after each step, in that order, and reports the first that fails.
//
// Incremental. A mapping's verdict is a function of the block map (extents, sizes, zeroing:
// fs::Filesystem::block_map_version), whether the device is alive, its VMA, its own PTE or PMD
// and the XArray slot (with its marks) over its file page. So after a clean pass, a step that
// changed neither the block map, the device nor any VMA can only have changed the verdicts of
// the mappings whose page-table entries it touched (vm::PageTable::changes) or whose file pages'
// slots it touched (vm::Xarray::changes): only those are checked again. A workload that maps
// hundreds of pages no longer pays for all of them after every step (the fuzz campaign's
// heaviest workloads spent most of their time here). DaxWorld::MappingPass::kEveryStep runs the
// whole pass after every step; kVerified runs the incremental one and then the whole one, and
// reports a violation the incremental one missed. props/dax/mapping_pass_test.cc compares them.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "props/dax/props.h"

namespace daxsim::props {

namespace {

// Checks one mapping; nullopt if it holds (and for pfns that are not the device's: the zero
// page, anonymous copies). `owners` is built at the first device pfn of a pass.
Result CheckMapping(DaxWorld* w, const Mapping& m,
                    std::optional<fs::Filesystem::OwnerIndex>* owners) {
  if (!w->pmem().OwnsPfn(m.pfn)) return std::nullopt;
  if (!*owners) w->owners = &owners->emplace(w->fs());
  for (auto* check :
       {&CheckMappingCoherence, &CheckExposure, &CheckEntryOfMapping, &CheckWriteTracking}) {
    if (Result bad = check(w, m)) {
      InvolveMapping(w, m);
      return bad;
    }
  }
  return std::nullopt;
}

// Runs `visit` over mappings, each checked until one fails.
template <typename Visit>
Result CheckEach(DaxWorld* w, Visit&& visit) {
  Result bad;
  std::optional<fs::Filesystem::OwnerIndex> owners;
  visit([&](const Mapping& m) {
    bad = CheckMapping(w, m, &owners);
    return !bad;
  });
  w->owners = nullptr;
  return bad;
}

Result FullPass(DaxWorld* w) {
  return CheckEach(w, [w](auto&& f) { ForEachMapping(w, f); });
}

// What every mapping's verdict depends on: the block map's version, the device's life, and each
// process's VMA list version; into `v` (its capacity is reused: this runs after every step).
void SharedInputs(DaxWorld* w, std::vector<uint64_t>* v) {
  v->assign({w->fs().block_map_version(), w->pmem().alive() ? 1u : 0u, w->fs().inodes().size(),
             w->mms().size()});
  for (const auto& [name, mm] : w->mms()) v->push_back(mm->vma_version());
}

// Where the last clean pass left off (valid: there was one). The processes and inodes are the
// same as then whenever `shared` still matches, so their journals are kept by position.
struct Seen {
  bool valid = false;
  std::vector<uint64_t> shared, scratch;
  std::vector<size_t> pt;  // by process, in mms() order: page-table changes seen
  std::vector<size_t> xa;  // by inode, in inodes() order: XArray changes seen
};

void Record(DaxWorld* w, Seen* s) {
  s->valid = true;
  s->pt.clear();
  for (const auto& [name, mm] : w->mms()) s->pt.push_back(mm->pt.changes().size());
  s->xa.clear();
  for (const auto& ip : w->fs().inodes()) s->xa.push_back(ip->mapping().i_pages.changes().size());
}

// File pages [pages.first, pages.last] as virtual pages of `vma` (empty: first > last).
vm::IndexRange VpnsOf(const vm::Vma& vma, vm::IndexRange pages) {
  const uint64_t n = (vma.end - vma.start) >> vm::PAGE_SHIFT;
  const uint64_t first = std::max(pages.first, vma.pgoff);
  const uint64_t last = std::min(pages.last, vma.pgoff + n - 1);
  const uint64_t base = vma.start >> vm::PAGE_SHIFT;
  if (first > last) return {1, 0};
  return {base + (first - vma.pgoff), base + (last - vma.pgoff)};
}

// The mappings whose page-table entries or file-page slots changed since `seen` (a mapping
// may come twice).
template <typename F>
void ForEachChangedMapping(DaxWorld* w, const Seen& seen, F&& f) {
  size_t i = 0;
  for (const auto& [name, mm] : w->mms()) {
    const std::vector<vm::IndexRange>& changes = mm->pt.changes();
    for (size_t c = seen.pt[i++]; c < changes.size(); ++c) {
      for (const auto& vma : mm->vmas) {
        if (!ForEachMappingIn(*mm, *vma, changes[c], f)) return;
      }
    }
  }
  i = 0;
  for (const auto& ip : w->fs().inodes()) {
    const std::vector<vm::IndexRange>& changes = ip->mapping().i_pages.changes();
    for (size_t c = seen.xa[i]; c < changes.size(); ++c) {
      for (const auto& [name, mm] : w->mms()) {
        for (const auto& vma : mm->vmas) {
          if (vma->mapping != &ip->mapping()) continue;
          const vm::IndexRange vpns = VpnsOf(*vma, changes[c]);
          if (vpns.first <= vpns.last && !ForEachMappingIn(*mm, *vma, vpns, f)) return;
        }
      }
    }
    ++i;
  }
}

}  // namespace

void RegisterMappingPass(DaxWorld* w) {
  sim::Sim& sim = w->sim();
  auto seen = std::make_shared<Seen>();
  sim.AddInvariant(
      "I1/I2/I5/I6 mappings",
      [w, seen]() -> Result {
        if (w->mapping_pass == DaxWorld::MappingPass::kEveryStep) return FullPass(w);
        SharedInputs(w, &seen->scratch);
        Result r;
        if (!seen->valid || seen->shared != seen->scratch) {
          r = FullPass(w);
          if (!r) seen->shared.swap(seen->scratch);
        } else {
          r = CheckEach(w, [&](auto&& f) { ForEachChangedMapping(w, *seen, f); });
          if (!r && w->mapping_pass == DaxWorld::MappingPass::kVerified) {
            if (Result missed = FullPass(w)) {
              return "mapping pass: the incremental pass missed " + *missed +
                     " (a change not noted in vm::PageTable/Xarray::changes or "
                     "fs::Filesystem::block_map_version)";
            }
          }
        }
        if (!r) Record(w, seen.get());
        return r;
      },
      /*every_step=*/true,
      DaxWorld::kReadsMappings | DaxWorld::kReadsEntries | DaxWorld::kReadsBlocks |
          DaxWorld::kReadsDevice);
  sim.AddInvariant(
      "mappings at the end (I2, I10)",
      [w]() -> Result {
        w->sim_end = true;
        Result r = FullPass(w);
        w->sim_end = false;
        return r;
      },
      /*every_step=*/false);
}

}  // namespace daxsim::props
