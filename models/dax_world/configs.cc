#include "models/dax_world/configs.h"

#include "models/dax_world/target.h"
#include "models/workload/library.h"
#include "sim/fs/personality.h"

namespace daxsim::models {

const std::vector<MatrixConfig>& MatrixConfigs() {
  static const auto* const c = [] {
    auto* v = new std::vector<MatrixConfig>;
    const char* apis[] = {"iomap", "get_block", "populate_pfns"};
    const char* what[] = {"dax_iomap_fault via ->iomap_begin/->iomap_end",
                          "dax_fault with a get_block_t and buffer_heads (v4.8)",
                          "entry tree first, ->populate_pfns on a miss (proposed)"};
    for (int a = 0; a < 3; ++a) {
      for (const char* fs : {"xfs", "ext4", "ext2"}) {
        v->push_back({std::string(apis[a]) + "/" + fs,
                      std::string(what[a]) + " over " + fs,
                      {{fs, std::string("api=") + apis[a]}},
                      1});
      }
    }
    v->push_back({"populate_pfns/xipfs",
                  "a filesystem without a block device inserts its own PFNs (dax_insert_pfns)",
                  {{"xipfs", "api=populate_pfns"}},
                  1});
    v->push_back({"option-1",
                  "two paths: get_block for ext2, iomap for xfs and ext4",
                  {{"ext2", "api=get_block"}, {"ext4", "api=iomap"}, {"xfs", "api=iomap"}},
                  2});
    v->push_back({"option-2",
                  "one iomap path; ext2 through an iomap shim over ext2_get_blocks",
                  {{"ext2", "api=iomap"}, {"ext4", "api=iomap"}, {"xfs", "api=iomap"}},
                  1});
    v->push_back({"option-3",
                  "one buffer_head path; xfs and ext4 translate their block maps into bh",
                  {{"ext2", "api=get_block"}, {"ext4", "api=get_block"}, {"xfs", "api=get_block"}},
                  1});
    return v;
  }();
  return *c;
}

std::vector<SuiteItem> Suite(const ConfigMember& m, std::vector<std::string>* skipped) {
  fs::FsKind kind = fs::FsKind::kXfs;
  fs::ParseFsKind(m.model, &kind);
  const fs::FsTraits& t = fs::Traits(kind);
  std::vector<SuiteItem> out;
  for (const auto& w : workload::Workloads()) {
    absl::StatusOr<sim::Target> target = MakeDaxTarget(m.model, w.name, m.params);
    if (!target.ok()) {  // e.g. MAP_SYNC where the configuration has none
      if (skipped) skipped->push_back(w.name + ": " + std::string(target.status().message()));
      continue;
    }
    SuiteItem item{w.name, w.description, "", ""};
    if (w.name == "fsync_vs_msync") {
      item.expected = "invariant";
      item.why = "finding: concurrent writebacks and the TOWRITE mark (shared writeback path)";
    } else if (w.name == "pmd_fsync_twice") {
      // R's read fault holds the PMD entry while T1's fsync walks it (6.1's writeback skip).
      item.tolerated = {"(a writeback skipped its entry while it was locked)"};
    } else if (w.name == "unbind_vs_fault") {
      item.expected = "invariant";
      item.why = "finding: 6.1 leaves every mapping after kill_dax (no holder notify until v6.8)";
    } else if (w.name == "pin_vs_truncate" && !t.break_layouts) {
      item.expected = "invariant";
      item.why = std::string(t.name) + " does not break layouts: truncate frees DMA-pinned blocks";
    }
    out.push_back(item);
  }
  return out;
}

std::vector<KnownFinding> KnownFindings(const std::string& model) {
  std::vector<KnownFinding> out = {
      {"I10 mapping outlives the device",
       "finding: 6.1 leaves every mapping after kill_dax (no holder notify until v6.8)"},
      {"(another writeback of the file overlapped that fsync)",
       "finding: concurrent writebacks and the TOWRITE mark (shared writeback path)"},
      {"(the page received a DMA write through a pin)",
       "finding: writeback cleans a write-pinned page's entry; DMA data written after it is not "
       "written back (GUP versus dirty tracking)"},
      {"(over an empty entry marked dirty: dax_insert_pfn_mkwrite)",
       "finding: a MAP_SYNC write fault maps its PFN over an empty entry after write(2)'s "
       "IOMAP_F_NEW invalidation deleted its entry and a copy-on-write fault left an empty one"},
      {"[copy-on-write of a page with a media error, zero-filled]",
       "finding: wp_page_copy() of a DAX page with a media error gives the process a page of "
       "zeroes (__wp_page_copy_user's best effort for PFN mappings), not SIGBUS"},
      {"(its clean entry was deleted by invalidate_inode_pages2_range)",
       "finding: between write(2)'s allocation (IOMAP_F_NEW; on xfs also when a racing fault "
       "allocated) and its invalidate_inode_pages2_range() a fault maps the new block and an "
       "fsync cleans its entry; the invalidation deletes the clean entry (a whole PMD entry, "
       "pinned pages too) and unmaps only the written range: pages stay mapped without an "
       "entry, and truncate frees a block under a DMA pin"},
      {"(a writeback skipped its entry while it was locked)",
       "finding: 6.1's dax_writeback_one() skips a DIRTY entry it finds locked "
       "(get_unlocked_entry()"
       " on the walk's xa_state returns NULL): an fsync racing a fault on the page returns before "
       "a store made through another mapping of the page is flushed"},
      {"(dax_layout_busy_page_range skipped its locked entry)",
       "finding: 6.1's dax_layout_busy_page_range() skips an entry it finds locked without "
       "looking at its pins (fixed in v6.15, wait_entry_unlocked_exclusive()): truncate frees a "
       "block under a DMA pin"},
      {"[zero page, the file's mappings being unmapped]",
       "finding: a hole's zero page stays mapped until write(2)'s invalidation (or the "
       "allocating write fault's dax_insert_entry) unmaps it, while the new block is already "
       "written through"},
  };
  fs::FsKind kind = fs::FsKind::kXfs;
  fs::ParseFsKind(model, &kind);
  if (!fs::Traits(kind).break_layouts) {
    out.push_back(
        {"pinned for DMA", model + " does not break layouts: truncate frees DMA-pinned blocks"});
  }
  return out;
}

bool IsKnownFinding(const std::string& model, const std::string& message) {
  for (const KnownFinding& k : KnownFindings(model)) {
    if (message.find(k.signature) != std::string::npos) return true;
  }
  return false;
}

}  // namespace daxsim::models
