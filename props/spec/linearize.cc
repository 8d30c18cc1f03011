#include "props/spec/linearize.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace daxsim::props::spec {

namespace {

uint64_t Mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

uint64_t StateHash(const State& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [ino, f] : s.files) h = f.bytes.Hash(Mix(Mix(h, ino), f.size));
  for (const auto& [id, m] : s.maps) {
    h = Mix(Mix(Mix(Mix(h, id), m.ino), m.offset), m.length);
    h = Mix(h, (m.shared ? 1 : 0) | (m.writable ? 2 : 0) | (m.live ? 4 : 0));
    for (const auto& [page, b] : m.cow) h = b.Hash(Mix(h, page));
    for (const auto& [page, b] : m.pending_cow) h = b.Hash(Mix(h, ~page));
  }
  for (const auto& [id, p] : s.pins) h = Mix(Mix(Mix(Mix(h, id), p.map), p.page), p.attached);
  return h;
}

struct Search {
  const std::vector<const Event*>& events;
  uint64_t nodes_max;
  uint64_t nodes = 0;
  std::vector<char> done;
  size_t required = 0;  // completed events not yet placed
  size_t deepest = 0;   // most events placed on one path
  std::string deepest_why;

  std::vector<int64_t> after;  // local index of the event that must come first, or -1

  // Configurations known to fail: the placed events and the state they led to (Lowe's
  // memoisation, "Testing for linearizability", 2017). What may come next and whether it is
  // accepted depend on nothing else, so a configuration reached again through another order of
  // the same calls (loads commute with each other) fails again without a search. Off only to
  // check the reduction against the plain search (linearize_test).
  bool memo = true;
  uint64_t memo_bytes = 0, memo_bytes_max = kMemoBytesMax;
  // Each state with its hash: a lookup compares hashes and only equal-hash states in full.
  std::map<std::vector<char>, std::vector<std::pair<uint64_t, State>>> failed;

  // The work budget: state bytes copied so far; `over` once past it (inconclusive).
  uint64_t work = 0, work_max = kWorkBytesMax;
  bool over = false;

  void Remember(State s) {
    const uint64_t bytes = ApproxBytes(s) + done.size() + 64;
    if (memo_bytes + bytes > memo_bytes_max) return;  // full: prune with what it has
    memo_bytes += bytes;
    const uint64_t h = StateHash(s);
    failed[done].emplace_back(h, std::move(s));
  }

  bool KnownToFail(const State& s) const {
    const auto it = failed.find(done);
    if (it == failed.end()) return false;
    const uint64_t h = StateHash(s);
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const auto& f) { return f.first == h && f.second == s; });
  }

  // The two earliest ends of unplaced completed events (INT64_MAX when none), and the index of
  // the earliest: what Minimal() needs, found once per node instead of once per candidate (a
  // history of 500 calls made the search quadratic per node).
  struct Earliest {
    int64_t first = INT64_MAX, second = INT64_MAX;
    size_t at = SIZE_MAX;
  };
  Earliest EarliestEnds() const {
    Earliest e;
    for (size_t j = 0; j < events.size(); ++j) {
      const int64_t end = events[j]->end;
      if (done[j] || end < 0) continue;
      if (end < e.first) {
        e.second = e.first;
        e.first = end;
        e.at = j;
      } else if (end < e.second) {
        e.second = end;
      }
    }
    return e;
  }

  // Event i may come next: its predecessor is placed, and no unplaced completed event (other
  // than i) ended before it began.
  bool Minimal(size_t i, const Earliest& e) const {
    if (after[i] >= 0 && !done[static_cast<size_t>(after[i])]) return false;
    const int64_t end = i == e.at ? e.second : e.first;
    return end > events[i]->start;
  }

  // true: explained (or out of budget); false: no order of the rest works from `s`.
  bool Run(const State& s, size_t depth) {
    if (required == 0) return true;
    if (++nodes > nodes_max) return true;
    const Earliest earliest = EarliestEnds();
    const uint64_t copy_bytes = ApproxBytes(s);
    for (size_t i = 0; i < events.size(); ++i) {
      if (done[i] || !Minimal(i, earliest)) continue;
      if ((work += copy_bytes) > work_max) {
        over = true;
        return true;
      }
      State next = s;
      std::string why;
      if (!Step(next, events[i]->call, events[i]->outcome, &why)) {
        if (depth >= deepest) {
          deepest = depth;
          deepest_why = Describe(events[i]->call, events[i]->outcome) + ": " + why;
        }
        continue;
      }
      done[i] = 1;
      const bool pending = events[i]->end < 0;
      if (!pending) --required;
      const bool skip = memo && KnownToFail(next);
      const bool ok = !skip && Run(next, depth + 1);
      if (memo && !ok && !skip) Remember(std::move(next));
      if (!pending) ++required;
      done[i] = 0;
      if (ok) return true;
    }
    return false;
  }
};

std::string Listing(const std::vector<const Event*>& events) {
  std::string out;
  for (const Event* e : events) {
    out += " [T" + std::to_string(e->actor) + " " + Describe(e->call, e->outcome) + " steps " +
           std::to_string(e->start) + ".." + (e->end < 0 ? "(running)" : std::to_string(e->end)) +
           "]";
  }
  return out;
}

// The common case first: the order in which the calls ended (a valid real-time order; a
// copy-on-write event ends with its store and was recorded before it) explains everything,
// calls still running left out. One pass on one state, no copies.
bool EndOrderExplains(const State& initial, const std::vector<const Event*>& events) {
  std::vector<size_t> order;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i]->end >= 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return events[a]->end < events[b]->end; });
  State s = initial;
  for (size_t i : order) {
    if (!Step(s, events[i]->call, events[i]->outcome)) return false;
  }
  return true;
}

}  // namespace

uint64_t ApproxBytes(const State& s) {
  constexpr uint64_t kNode = 64, kRun = 48;  // a std::map node; one byte run (its node)
  uint64_t n = sizeof(State);
  for (const auto& [ino, f] : s.files) n += kNode + f.bytes.runs() * kRun;
  for (const auto& [id, m] : s.maps) {
    n += kNode + sizeof(Mapping);
    for (const auto& [page, b] : m.cow) n += kNode + b.runs() * kRun;
    for (const auto& [page, b] : m.pending_cow) n += kNode + b.runs() * kRun;
  }
  return n + s.pins.size() * (kNode + sizeof(Pin));
}

Verdict Linearize(const State& initial, const std::vector<Event>& history, uint64_t nodes_max,
                  bool memo, uint64_t memo_bytes_max, uint64_t work_bytes_max) {
  std::map<uint64_t, std::vector<const Event*>> by_file;
  std::vector<int64_t> local(history.size(), -1);
  for (size_t i = 0; i < history.size(); ++i) {
    auto& v = by_file[history[i].call.ino];
    local[i] = static_cast<int64_t>(v.size());
    v.push_back(&history[i]);
  }
  Verdict v;
  for (const auto& [ino, events] : by_file) {
    State s;
    if (auto it = initial.files.find(ino); it != initial.files.end()) s.files[ino] = it->second;
    if (EndOrderExplains(s, events)) {
      v.nodes += events.size();
      v.checked += events.size();
      v.judged.insert(ino);
      continue;
    }
    Search search{events, nodes_max};
    search.memo = memo;
    search.memo_bytes_max = memo_bytes_max;
    search.work_max = work_bytes_max;
    search.done.assign(events.size(), 0);
    for (const Event* e : events) {
      search.after.push_back(e->after >= 0 ? local[static_cast<size_t>(e->after)] : -1);
    }
    for (const Event* e : events) search.required += e->end >= 0 ? 1 : 0;
    const bool ok = search.Run(s, 0);
    v.nodes += search.nodes;
    v.memo_bytes = std::max(v.memo_bytes, search.memo_bytes);
    if (search.nodes > nodes_max || search.over) {
      v.kind = Verdict::kInconclusive;
      continue;
    }
    v.checked += events.size();
    v.judged.insert(ino);
    if (!ok) {
      v.kind = Verdict::kViolation;
      v.why = "no order of the calls on inode " + std::to_string(ino) +
              " consistent with their real-time order explains their results (the longest "
              "explained prefix has " +
              std::to_string(search.deepest) + " calls; then " + search.deepest_why +
              "):" + Listing(events);
      return v;
    }
  }
  return v;
}

}  // namespace daxsim::props::spec
