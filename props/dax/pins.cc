// DMA pins.
//   I8 a page pinned by get_user_pages (an O_DIRECT read into the mapping) keeps its block: the
//      block is never freed or given to another file or offset while pinned. Catches: truncate
//      and punch hole freeing blocks under DMA (5fac7408d828, generic/503), filesystems that do
//      not break layouts (ext2). And no FOLL_LONGTERM pin holds a pmem page at all: 6.1
//      refuses them on fsdax (check_vma_flags(); GUP-fast leaves devmap pages to the slow
//      path), since truncate would wait on them forever. Per step.
#include <memory>
#include <optional>
#include <vector>

#include "props/dax/props.h"

namespace daxsim::props {

namespace {

// The verdict depends only on the pins and the block map: a step that changed neither (most
// steps) needs no new check. Kept per world, so per execution.
struct LastClean {
  bool valid = false;
  uint64_t block_map_version = 0;
  std::vector<DaxWorld::Pin> pins;
};

// Above this many pins one OwnerIndex (a sort of the extents) beats a BlockOwner walk per pin
// (a 2 MiB pin holds 512).
constexpr size_t kPinsForIndex = 8;

}  // namespace

void RegisterPins(DaxWorld* w) {
  auto last = std::make_shared<LastClean>();
  w->sim().AddInvariant(
      "I8 pinned block",
      [w, last]() -> Result {
        if (!w->pin_check_every_step && last->valid &&
            last->block_map_version == w->fs().block_map_version() && last->pins == w->pins) {
          return std::nullopt;
        }
        std::optional<fs::Filesystem::OwnerIndex> index;
        if (w->pins.size() > kPinsForIndex) index.emplace(w->fs());
        for (const DaxWorld::Pin& p : w->pins) {
          const uint64_t block = w->pmem().PfnToPgoff(p.pfn);
          auto involve = [&] {
            w->sim().Involve(models::PinsKey(block));
            w->sim().Involve(models::BlockKey(block));
          };
          if (p.longterm) {
            involve();
            return "I8 block " + std::to_string(block) + " (" + p.inode->name() + " page " +
                   std::to_string(p.fsb) +
                   ") is held by a FOLL_LONGTERM pin: fsdax refuses those (check_vma_flags)";
          }
          const std::optional<fs::Filesystem::Owner> owner =
              index ? index->Find(block) : w->fs().BlockOwner(block);
          if (!owner || owner->inode != p.inode || owner->fsb != p.fsb) {
            involve();
            return "I8 block " + std::to_string(block) + " pinned for DMA (" + p.inode->name() +
                   " page " + std::to_string(p.fsb) + ") was " +
                   (owner
                        ? "given to " + owner->inode->name() + " page " + std::to_string(owner->fsb)
                        : std::string("freed")) +
                   InvalidatedMarker(*w, p.pfn) + BusySkippedMarker(*w, p.pfn);
          }
        }
        *last = {true, w->fs().block_map_version(), w->pins};
        return std::nullopt;
      },
      /*every_step=*/true, DaxWorld::kReadsPins | DaxWorld::kReadsBlocks);
}

}  // namespace daxsim::props
