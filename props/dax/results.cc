// User-visible results.
//   I9 every load and read(2) marked expect= returns the expected bytes; no load or store gets
//      SIGBUS on bytes that stayed inside i_size while it ran, unless the workload poisons pages,
//      injects media errors or unbinds the device. Catches: faults that fail accesses they must
//      serve (entry conflicts turned into SIGBUS, ac401cc78242), lost stores (843172978bb9).
//   linearizability (end): the values every load and read returned are explained by some total
//      order of the data operations (loads/stores through shared mappings, read/write(2)) that
//      respects their real-time order, applied to a byte array per file starting from the
//      workload's setup. Checked when every operation stayed inside that sequential model (no
//      truncate, punch, crash, poison, SIGBUS, private mapping...); histories are small and a
//      backtracking search decides. Catches: stale zero pages (13e451fdc1af), lost or torn
//      stores, writes invisible through mappings.
#include <map>
#include <string>
#include <vector>

#include "props/dax/props.h"

namespace daxsim::props {

namespace {

using Files = std::map<uint64_t, std::map<uint64_t, uint8_t>>;  // ino -> offset -> byte

struct Search {
  const std::vector<DaxWorld::HistoryOp>& ops;
  std::vector<char> done;
  int64_t budget = 200000;  // search nodes; beyond it the check is skipped (inconclusive)

  bool Run(Files& files, size_t left) {
    if (left == 0) return true;
    if (--budget < 0) return true;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (done[i] || !Minimal(i)) continue;
      const DaxWorld::HistoryOp& op = ops[i];
      std::map<uint64_t, uint8_t>& f = files[op.ino];
      std::vector<std::pair<uint64_t, int>> undo;
      bool ok = true;
      for (uint64_t b = 0; b < op.length && ok; ++b) {
        auto it = f.find(op.offset + b);
        const uint8_t cur = it == f.end() ? 0 : it->second;
        if (op.write) {
          undo.push_back({op.offset + b, it == f.end() ? -1 : cur});
          f[op.offset + b] = op.value;
        } else if (op.result[b] != cur) {
          ok = false;
        }
      }
      if (ok) {
        done[i] = 1;
        if (Run(files, left - 1)) return true;
        done[i] = 0;
      }
      for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
        if (it->second < 0) {
          f.erase(it->first);
        } else {
          f[it->first] = static_cast<uint8_t>(it->second);
        }
      }
    }
    return false;
  }

  // No pending op completed before this one started.
  bool Minimal(size_t i) const {
    for (size_t j = 0; j < ops.size(); ++j) {
      if (!done[j] && j != i && ops[j].end <= ops[i].start) return false;
    }
    return true;
  }
};

}  // namespace

std::optional<std::string> CheckLinearizable(const DaxWorld& w) {
  if (!w.history_eligible || w.history.size() < 2) return std::nullopt;
  Files files;
  for (const auto& f : w.workload().files) {
    const fs::Inode* ip = const_cast<DaxWorld&>(w).fs().Find(f.name);
    for (const auto& e : f.extents) {
      if (e.kind != models::workload::FileSetup::Extent::kWritten || e.fill == 0) continue;
      for (uint64_t b = e.offset; b < e.offset + e.length; ++b) files[ip->ino()][b] = e.fill;
    }
  }
  Search s{w.history, std::vector<char>(w.history.size(), 0)};
  if (s.Run(files, w.history.size())) return std::nullopt;
  std::string why =
      "no order of the data operations consistent with their real-time order "
      "explains the values read:";
  for (const auto& op : w.history) {
    why += " [" + w.workload().actors[op.actor].name + (op.write ? " writes " : " reads ") +
           std::to_string(op.length) + "B at " + std::to_string(op.offset) +
           (op.write ? " = " + std::to_string(op.value)
                     : " -> " + std::to_string(op.result.empty() ? 0 : op.result[0])) +
           " in steps " + std::to_string(op.start) + ".." + std::to_string(op.end) + "]";
  }
  return why;
}

void RegisterResults(DaxWorld* w) {
  w->on_result = [w](const DaxWorld::UserResult& r) {
    sim::Sim& sim = w->sim();
    if (r.sigbus && r.inside_eof_all_along && !w->sigbus_expected && !w->crashed) {
      sim.Report(sim::ViolationKind::kInvariant, "I9 spurious SIGBUS",
                 "I9 user-visible result: " + r.what + " got SIGBUS inside i_size");
      return;
    }
    if (!r.op->expect) return;
    if (!r.ok) {
      sim.Report(sim::ViolationKind::kInvariant, "I9 user-visible result",
                 "I9 user-visible result: " + r.what + " got " +
                     (r.sigbus ? "SIGBUS" : "an error") + ", expected data");
      return;
    }
    for (size_t i = 0; i < r.got.size(); ++i) {
      if (r.got[i] != r.op->value) {
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
