// indexer (Flanagan & Godefroid, "Dynamic Partial-Order Reduction", POPL 2005, Fig. 4): n actors
// insert 4 messages each into a 128-slot hash table with CAS and linear probing. No bug; the
// original hash collides only from n >= 12, so DPOR needs 1 execution below that.
// Points: one CAS (kWrite) per probed slot.
#pragma once

#include <memory>
#include <vector>

#include "sim/world.h"

namespace daxsim::models::classic {

inline constexpr int kIndexerTableSize = 128;
inline constexpr int kIndexerMessages = 4;  // per actor

struct IndexerWorld : sim::World {
  std::vector<int> table;     // 0 = empty
  sim::ObjectId table_obj{};  // table[h] is object table_obj + h
};

// Message m (1..4) of actor tid: the original getmsg(), never 0.
inline int IndexerMessage(int tid, int m) { return m * 11 + tid; }

// REQUIRES: 1 <= n and 4n <= 128.
std::unique_ptr<IndexerWorld> BuildIndexer(sim::Sim& sim, int n);

}  // namespace daxsim::models::classic
