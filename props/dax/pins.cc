// DMA pins.
//   I8 a page pinned by get_user_pages (an O_DIRECT read into the mapping) keeps its block: the
//      block is never freed or given to another file or offset while pinned. Catches: truncate
//      and punch hole freeing blocks under DMA (5fac7408d828, generic/503), filesystems that do
//      not break layouts (ext2). Per step.
#include "props/dax/props.h"

namespace daxsim::props {

void RegisterPins(DaxWorld* w) {
  w->sim().AddInvariant("I8 pinned block", [w]() -> Result {
    for (const DaxWorld::Pin& p : w->pins) {
      const uint64_t block = w->pmem().PfnToPgoff(p.pfn);
      const std::optional<fs::Filesystem::Owner> owner = w->fs().BlockOwner(block);
      if (!owner || owner->inode != p.inode || owner->fsb != p.fsb) {
        return "I8 block " + std::to_string(block) + " pinned for DMA (" + p.inode->name() +
               " page " + std::to_string(p.fsb) + ") was " +
               (owner ? "given to " + owner->inode->name() + " page " + std::to_string(owner->fsb)
                      : std::string("freed"));
      }
    }
    return std::nullopt;
  });
}

}  // namespace daxsim::props
