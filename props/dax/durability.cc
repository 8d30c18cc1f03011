// Durability and recovery after a power failure (checked once, when the crash has happened and
// the filesystem has recovered; the persistent image is one of those the NVDIMM's cache model
// allows: under ADR unflushed lines are lost, stores are 8-byte atomic, written-back but unfenced
// lines may or may not persist).
//   durability: every page covered by a completed fsync/msync, and not written since that
//      started, holds what it held then (and the file is at least that long). A store without
//      fsync may be lost: that is not a bug. MAP_SYNC faults make the block allocation durable
//      before the store can happen. Catches: writeback that misses dirty entries (c6dcf52c23d2,
//      2f89dc12a25d, f729c8c9b24f), fsync that returns before a concurrent writeback flushed.
//   MAP_SYNC: bytes stored through a MAP_SYNC mapping, then clwb'ed and sfence'd by the storing
//      thread, survive without fsync (the fault made the block's metadata durable first).
//      Catches: MAP_SYNC faults that map before the metadata is durable.
//   recovery: the recovered extent maps give no block to two files or offsets, no file shows
//      another file's data (checked against the last writer of every block), and no written
//      extent shows a block's stale content (a block reached a file without being zeroed or
//      written durably). Without a journal (ext2) the first two need e2fsck and are not
//      demanded. Catches: allocations committed before their zeroing, freed blocks reused
//      before the free was durable, stale mappings writing into reallocated blocks.
#include <algorithm>
#include <map>

#include "props/dax/props.h"

namespace daxsim::props {

namespace {

void CheckRecovered(sim::Sim& sim, DaxWorld* w) {
  // Recovered metadata: no block in two places, and no written extent that shows a block's
  // stale content (a block reached a file without being zeroed or written durably).
  std::map<uint64_t, std::string> owner;
  for (const auto& ip : w->fs().inodes()) {
    for (const auto& [fsb, e] : ip->extents()) {
      for (uint64_t b = e.block; b < e.block + e.len; ++b) {
        const std::string here = ip->name() + " page " + std::to_string(fsb + (b - e.block));
        // Without a journal (ext2) two inodes can claim a block after a crash until e2fsck
        // runs: only journalled and synchronous metadata promise otherwise.
        if (!owner.emplace(b, here).second && w->fs().traits().journal != fs::Journal::kNone) {
          sim.Report(sim::ViolationKind::kInvariant, "recovery: block mapped twice",
                     "recovery: block " + std::to_string(b) + " belongs to " + owner[b] +
                         " and to " + here);
          return;
        }
        // After kill_dax, zeroing a new block fails with the device while the model's
        // filesystems go on allocating (a real one would shut down): not judged.
        if (e.unwritten || w->unbound) continue;
        uint64_t word = 0;
        const uint64_t paddr = w->pmem().PgoffToPfn(b) << vm::PAGE_SHIFT;
        // First and last word: zeroing persists page by page (a page fill is one unit), and
        // writes that cover a page touch both ends.
        for (uint64_t off : {uint64_t{0}, vm::PAGE_SIZE - 8}) {
          w->pmem().Load(paddr + off, reinterpret_cast<uint8_t*>(&word), 8);
          if (word == nvdimm::Pmem::StaleWord(b)) {
            sim.Report(sim::ViolationKind::kInvariant, "recovery: stale data exposed",
                       "recovery: " + here + " (block " + std::to_string(b) +
                           ") shows the block's stale content after power failure");
            return;
          }
        }
      }
    }
  }
  // No file shows another file's data: a written block whose last user data came from another
  // inode, and that was not zeroed for an allocation since, leaks that data (without a journal a
  // stale block map can do this until e2fsck runs).
  for (const auto& ip : w->fs().inodes()) {
    if (w->fs().traits().journal == fs::Journal::kNone) break;
    for (const auto& [fsb, e] : ip->extents()) {
      if (e.unwritten) continue;
      for (uint64_t b = e.block; b < e.block + e.len; ++b) {
        auto it = w->data_owner.find(b);
        if (it == w->data_owner.end() || it->second.ino == ip->ino() ||
            it->second.zero_count != w->fs().ZeroCount(b)) {
          continue;
        }
        std::string other = "ino " + std::to_string(it->second.ino);
        for (const auto& o : w->fs().inodes()) {
          if (o->ino() == it->second.ino) other = o->name();
        }
        sim.Report(sim::ViolationKind::kInvariant, "recovery: foreign data exposed",
                   "recovery: " + ip->name() + " page " + std::to_string(fsb + (b - e.block)) +
                       " (block " + std::to_string(b) + ") holds data written to " + other);
        return;
      }
    }
  }
  // MAP_SYNC persistence: bytes stored through a MAP_SYNC mapping, written back (clwb) and fenced
  // (sfence) by the storing thread survive, unless the page was written again since.
  for (const DaxWorld::DurableRange& r : w->durable_ranges) {
    const uint64_t page = r.offset / vm::PAGE_SIZE;
    if (w->page_generation[{r.ino, page}] != r.generation) continue;
    for (const auto& ip : w->fs().inodes()) {
      if (ip->ino() != r.ino) continue;
      const std::vector<uint8_t> now = w->ReadFilePage(*ip, page);
      const uint64_t in = r.offset % vm::PAGE_SIZE;
      if (page * vm::PAGE_SIZE >= ip->i_size() ||
          !std::equal(r.bytes.begin(), r.bytes.end(), now.begin() + in)) {
        InvolveFilePage(w, *ip, page);
        sim.Report(sim::ViolationKind::kInvariant, "durability: MAP_SYNC data lost",
                   "durability: " + std::to_string(r.bytes.size()) + " bytes at " + Hex(r.offset) +
                       " of " + ip->name() +
                       " stored through MAP_SYNC, flushed and fenced, are lost after power "
                       "failure and recovery");
        return;
      }
    }
  }
  // Durability: every page covered by a completed fsync and not written since holds its data.
  for (const auto& [key, e] : w->durable) {
    if (w->page_generation[key] != e.generation) continue;
    for (const auto& ip : w->fs().inodes()) {
      if (ip->ino() != key.first) continue;
      if (key.second * vm::PAGE_SIZE >= ip->i_size()) {
        sim.Report(sim::ViolationKind::kInvariant, "durability: size",
                   "durability: after recovery " + ip->name() + " is " +
                       std::to_string(ip->i_size()) + " bytes, but page " +
                       std::to_string(key.second) + " was fsynced");
        return;
      }
      if (w->ReadFilePage(*ip, key.second) != e.content) {
        InvolveFilePage(w, *ip, key.second);
        sim.Report(
            sim::ViolationKind::kInvariant, "durability: fsynced data lost",
            "durability: page " + std::to_string(key.second) + " of " + ip->name() +
                " differs after power failure and recovery from its content when a "
                "completed fsync started" +
                (e.overlapped ? " (another writeback of the file overlapped that fsync)" : "") +
                (e.skipped ? " (a writeback skipped its entry while it was locked)" : "") +
                (w->dma_written.count(key) ? " (the page received a DMA write through a pin)"
                                           : ""));
        return;
      }
    }
  }
}

}  // namespace

void RegisterDurability(DaxWorld* w) {
  w->after_recovery = [w] { CheckRecovered(w->sim(), w); };
}

}  // namespace daxsim::props
