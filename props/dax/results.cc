// User-visible results.
//   I9 every load and read(2) marked expect= returns the expected bytes; no load or store gets
//      SIGBUS on bytes that stayed inside i_size while it ran, unless the workload injects media
//      errors or unbinds the device. Catches: faults that fail accesses they must
//      serve (entry conflicts turned into SIGBUS, ac401cc78242), lost stores (843172978bb9).
//   linearizability (end): every outcome of every call the history records (loads, stores and
//      pins per page, read(2)/write(2) per page copied, mmap, munmap, MADV_DONTNEED, unpin DMA,
//      truncate, fallocate, punch, zero-range, fsync/msync return values, fstat sizes) is explained
//      by an order of the calls consistent with real time, under the reference semantics
//      (props/spec). Catches: stale zero pages (13e451fdc1af), lost or torn stores, writes
//      invisible through mappings, private copies lost or leaked, wrong SIGBUS/SIGSEGV, short
//      counts.
#include <map>
#include <string>
#include <vector>

#include "props/dax/props.h"

namespace daxsim::props {

namespace {

spec::Kind KindOf(const DaxWorld::HistoryOp& op) {
  using models::workload::OpCode;
  switch (op.code) {
    case OpCode::kMmap:
      return spec::Kind::kMmap;
    case OpCode::kMunmap:
      return spec::Kind::kMunmap;
    case OpCode::kMadviseDontneed:
      return spec::Kind::kDontneed;
    case OpCode::kLoad:
      return spec::Kind::kLoad;
    case OpCode::kStore:
      return op.cow ? spec::Kind::kCow : spec::Kind::kStore;
    case OpCode::kPin:
      return spec::Kind::kPin;
    case OpCode::kUnpin:
      return spec::Kind::kUnpin;
    case OpCode::kRead:
      return spec::Kind::kRead;
    case OpCode::kWrite:
      return op.ret != 0 ? spec::Kind::kWriteError : spec::Kind::kWrite;
    case OpCode::kTruncate:
      return spec::Kind::kTruncate;
    case OpCode::kFallocate:
      return spec::Kind::kFallocate;
    case OpCode::kPunchHole:
      return spec::Kind::kPunch;
    case OpCode::kZeroRange:
      return spec::Kind::kZeroRange;
    case OpCode::kSize:
      return spec::Kind::kStat;
    default:
      return spec::Kind::kSync;  // fsync, msync
  }
}

spec::Event EventOf(const DaxWorld::HistoryOp& op) {
  spec::Event e;
  e.call.kind = KindOf(op);
  e.call.ino = op.ino;
  e.call.map = op.map;
  e.call.pin = op.pin;
  e.call.offset = op.offset;
  e.call.length = op.length;
  e.call.value = op.value;
  e.call.shared = op.shared;
  e.call.writable = op.writable;
  e.call.fast = op.gup_fast;
  e.call.longterm = op.longterm;
  e.outcome.signal = static_cast<spec::Outcome::Signal>(op.signal);
  e.outcome.ret = op.ret;
  e.outcome.bytes = op.result;
  e.outcome.eof = op.eof;
  e.outcome.excused = op.excused;
  e.outcome.zero_page_unmapping = op.zero_page_unmapping;
  e.outcome.cow_zero_filled = op.cow_zero_filled;
  e.outcome.dead_device = op.after_unbind;
  e.actor = op.actor;
  e.start = op.start;
  e.end = op.end;
  return e;
}

// The files as the workload sets them up (written extents hold their fill, also past EOF in
// the last page).
spec::State InitialState(const DaxWorld& w) {
  spec::State s;
  for (const auto& f : w.workload().files) {
    const fs::Inode* ip = const_cast<DaxWorld&>(w).fs().Find(f.name);
    spec::File& file = s.files[ip->ino()];
    file.size = f.size;
    for (const auto& e : f.extents) {
      if (e.kind == models::workload::FileSetup::Extent::kWritten) {
        file.bytes.Fill(e.offset, e.offset + e.length, e.fill);
      }
    }
  }
  return s;
}

}  // namespace

spec::Verdict CheckHistory(const DaxWorld& w) {
  std::vector<spec::Event> events;
  events.reserve(w.history.size());
  for (size_t i = 0; i < w.history.size(); ++i) {
    const DaxWorld::HistoryOp& op = w.history[i];
    if (op.dropped) continue;
    if (op.cow) {  // the fault's copy, then its install (spec.h kCowCopy, kCow)
      events.push_back(EventOf(op));
      events.back().call.kind = spec::Kind::kCowCopy;
      events.push_back(EventOf(op));
      events.back().after = static_cast<int64_t>(events.size()) - 2;
      continue;
    }
    events.push_back(EventOf(op));
    // A store or pin comes after the copy-on-write fault recorded right before it (its
    // install), if that fault ended (one left running by a failed call may not have taken
    // effect at all).
    if (!op.cow && i > 0 && w.history[i - 1].cow && w.history[i - 1].end >= 0) {
      events.back().after = static_cast<int64_t>(events.size()) - 2;
    }
  }
  return spec::Linearize(InitialState(w), events);
}

namespace {

// What the linearizability check judged, for --json (sim::Sim::Tally): per history, its verdict;
// per recorded result, by operation: `checked` (its file's calls were judged and it was held
// to the reference semantics), `excused` (judged, an error of a cause the oracle does not
// track was allowed), `unjudged` (judged, but it ended after the device was unbound: bytes read
// are not compared), `unchecked` (its file's search ran out of budget, or came after the file
// a violation was found on).
void TallyHistory(const DaxWorld& w, const spec::Verdict& v) {
  sim::Sim& sim = w.sim();
  sim.Tally(v.kind == spec::Verdict::kLinearizable ? "histories.linearizable"
            : v.kind == spec::Verdict::kViolation  ? "histories.violation"
                                                   : "histories.inconclusive");
  std::map<std::string, int64_t> counts;
  for (const DaxWorld::HistoryOp& op : w.history) {
    if (op.dropped) continue;
    const spec::Event e = EventOf(op);
    const std::string kind = spec::KindName(e.call.kind);
    const char* how = !v.judged.contains(e.call.ino) ? ".unchecked"
                      : e.outcome.dead_device        ? ".unjudged"
                      : e.outcome.excused            ? ".excused"
                                                     : ".checked";
    counts["results." + kind + how]++;
  }
  for (auto& [k, n] : counts) sim.Tally(k, n);
}

}  // namespace

std::optional<std::string> CheckLinearizable(const DaxWorld& w) {
  const spec::Verdict v = CheckHistory(w);
  if (w.sim().tallying()) TallyHistory(w, v);
  if (v.kind != spec::Verdict::kViolation) return std::nullopt;
  return v.why;
}

namespace {

// Names what a load or store through a mapping reached (its first page): the PTE or huge PMD,
// the file's entry and block there. Nothing for file operations (read(2)).
void InvolveAccess(DaxWorld* w, const DaxWorld::UserResult& r) {
  const auto self = static_cast<size_t>(w->sim().self_id());
  if (self >= w->actor_states.size() || r.op->map.empty()) return;
  const auto& maps = w->actor_states[self].maps;
  auto it = maps.find(r.op->map);
  if (it == maps.end() || it->second == nullptr) return;
  const vm::Vma& vma = *it->second;
  const uint64_t addr = (vma.start + r.op->offset) & ~(vm::PAGE_SIZE - 1);
  const vm::Mm& mm = *vma.mm;
  auto pmd = mm.pt.pmds().find(addr >> vm::PMD_SHIFT);
  const bool huge = pmd != mm.pt.pmds().end() && pmd->second.kind == vm::Pmd::Kind::kHuge;
  const uint64_t pmd_addr = addr & ~((uint64_t{1} << vm::PMD_SHIFT) - 1);
  w->sim().Involve(models::PteKey(mm.name(), huge ? pmd_addr : addr, huge));
  auto* ip = const_cast<fs::Inode*>(static_cast<const fs::Inode*>(vma.ops));
  if (ip != nullptr) InvolveFilePage(w, *ip, vma.PgoffOf(addr));
}

}  // namespace

void RegisterResults(DaxWorld* w) {
  w->on_result = [w](const DaxWorld::UserResult& r) {
    sim::Sim& sim = w->sim();
    if (r.sigbus && r.inside_eof_all_along && !w->sigbus_expected && !w->crashed) {
      InvolveAccess(w, r);
      sim.Report(sim::ViolationKind::kInvariant, "I9 spurious SIGBUS",
                 "I9 user-visible result: " + r.what + " got SIGBUS inside i_size");
      return;
    }
    if (!r.op->expect) return;
    if (!r.ok) {
      InvolveAccess(w, r);
      sim.Report(sim::ViolationKind::kInvariant, "I9 user-visible result",
                 "I9 user-visible result: " + r.what + " got " +
                     (r.sigbus ? "SIGBUS" : "an error") + ", expected data");
      return;
    }
    for (size_t i = 0; i < r.got.size(); ++i) {
      if (r.got[i] != r.op->value) {
        InvolveAccess(w, r);
        sim.Report(sim::ViolationKind::kInvariant, "I9 user-visible result",
                   "I9 user-visible result: " + r.what + " byte " + std::to_string(i) + " is " +
                       Hex(r.got[i]) + ", expected " + Hex(r.op->value) + " (workload line " +
                       std::to_string(r.op->line) + ")");
        return;
      }
    }
  };
  w->sim().AddInvariant(
      "linearizability", [w]() -> Result { return CheckLinearizable(*w); }, /*every_step=*/false);
}

}  // namespace daxsim::props
