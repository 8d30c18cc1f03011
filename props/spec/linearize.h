// Linearizability of a concurrent history against the reference semantics (spec.h; Herlihy
// and Wing 1990): is there a total order of the calls, consistent with their real-time order
// (a call that ended before another began comes first), in which Step() accepts every outcome?
// Calls still running when the execution stopped (a power failure killed them) may take effect
// at any point after they began, or not at all. Files are independent objects, so each file's
// calls are searched alone (locality). A depth-first search over the calls that may come next,
// with a node budget and memoised failed configurations; beyond the budget the verdict is
// "inconclusive", never a violation.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "props/spec/spec.h"

namespace daxsim::props::spec {

struct Event {
  Call call;
  Outcome outcome;
  size_t actor = 0;
  int64_t start = 0;   // first step it may take effect at
  int64_t end = -1;    // it took effect before this step; -1: still running (optional)
  int64_t after = -1;  // index (in the history) of an event of the same call that comes first
};

struct Verdict {
  enum Kind { kLinearizable, kViolation, kInconclusive };
  Kind kind = kLinearizable;
  std::string why;          // a violation: the calls no order explains
  uint64_t nodes = 0;       // search nodes visited
  uint64_t memo_bytes = 0;  // the largest memo of one file's search (ApproxBytes of its states)
  size_t checked = 0;       // events whose outcome was checked (every event unless inconclusive)
  // The files whose calls were all judged: explained, or the file a violation was found on
  // (the search stops there; files after it and files over the budget are not judged).
  std::set<uint64_t> judged;
};

// The memo's memory budget per file (an estimate of the states it keeps). A history whose
// states are large (hundreds of private pages) and whose search is long once grew the memo to
// 24 GB (`daxsim fuzz`, seed 2026, shard 0 of 50); past the budget the memo keeps what it has
// and stops growing. It only prunes, so a smaller budget changes the work, never the verdict
// (Linearize.MemoBudgetChangesNoVerdict).
inline constexpr uint64_t kMemoBytesMax = 256ull << 20;

// The search's work budget per file: bytes of state it may copy (ApproxBytes per candidate
// step). A history of 500 calls over states with hundreds of private pages spent minutes per
// execution copying states; past the budget the verdict is "inconclusive", never a violation.
inline constexpr uint64_t kWorkBytesMax = 256ull << 20;

// `initial`: every file's state when the history began; mappings, pins: none (mmap events
// create them). `nodes_max`: the search budget, per file. `memo`: skip configurations (placed
// calls, state) already known to fail; off only to test that reduction against the plain search.
Verdict Linearize(const State& initial, const std::vector<Event>& history,
                  uint64_t nodes_max = 200000, bool memo = true,
                  uint64_t memo_bytes_max = kMemoBytesMax, uint64_t work_bytes_max = kWorkBytesMax);

// A rough size in bytes of a state's heap data (its maps' nodes and byte runs).
uint64_t ApproxBytes(const State& s);

}  // namespace daxsim::props::spec
