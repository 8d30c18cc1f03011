// indexer's inserters T0..T(n-1), as in Flanagan & Godefroid's thread_routine(), and the end
// invariant that all 4n messages are in the table. See indexer.h.
#include "models/classic/indexer.h"

#include <optional>
#include <string>

#include "sim/check.h"

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

// Mirrors the paper's thread_routine(): w = getmsg(); h = (w * 7) % SIZE;
// while (cas(&table[h], 0, w) == 0) h = (h + 1) % SIZE;
Task<void> Inserter(Sim& sim, IndexerWorld* w, int tid) {
  for (int m = 1; m <= kIndexerMessages; ++m) {
    const int msg = IndexerMessage(tid, m);
    int h = (msg * 7) % kIndexerTableSize;
    for (;;) {
      co_await sim.Point("cas table",
                         {w->table_obj + static_cast<sim::ObjectId>(h), Access::kWrite});
      if (w->table[h] == 0) {
        w->table[h] = msg;
        break;
      }
      h = (h + 1) % kIndexerTableSize;
    }
  }
}

}  // namespace

std::unique_ptr<IndexerWorld> BuildIndexer(Sim& sim, int n) {
  DAXSIM_CHECK(n >= 1 && n * kIndexerMessages <= kIndexerTableSize);
  auto w = std::make_unique<IndexerWorld>();
  w->table.assign(kIndexerTableSize, 0);
  w->table_obj = sim.NewObjects("table", kIndexerTableSize);
  IndexerWorld* world = w.get();
  const int expected = n * kIndexerMessages;
  sim.AddInvariant(
      "indexer: every message stored once",
      [world, expected]() -> std::optional<std::string> {
        int stored = 0;
        for (int v : world->table) stored += v != 0;
        if (stored == expected) return std::nullopt;
        return std::to_string(stored) + " entries, want " + std::to_string(expected);
      },
      /*every_step=*/false);
  for (int tid = 0; tid < n; ++tid) sim.Spawn("T" + std::to_string(tid), Inserter(sim, world, tid));
  return w;
}

}  // namespace daxsim::models::classic
