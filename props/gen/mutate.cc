#include "props/gen/mutate.h"

#include <algorithm>
#include <utility>

namespace daxsim::props {

namespace {

using models::workload::Actor;
using models::workload::kPageSize;
using models::workload::kPmdSize;
using models::workload::Op;
using models::workload::OpCode;
using models::workload::OpTarget;
using models::workload::Target;
using models::workload::Workload;

constexpr int kAttempts = 8;

// Each pin directly followed by its unpin, as the generator draws them: the device completes
// an O_DIRECT read on its own, so an actor must not hold a pin across its later operations (it
// would make the I/O wait for them: a truncate breaking the layout and that actor's own
// read(2) then deadlock, which no kernel can). A mutation or a shrink that separated them, or
// dropped one, is repaired: the pin's first later unpin of the same range is moved up (one is
// made if there is none) and an unpin without its pin is dropped.
void PairPins(Workload& w) {
  for (Actor& a : w.actors) {
    std::vector<Op> ops;
    std::vector<bool> used(a.ops.size(), false);  // unpins moved up to their pin
    for (size_t i = 0; i < a.ops.size(); ++i) {
      const Op& op = a.ops[i];
      if (op.code == OpCode::kUnpin) continue;  // paired ones were moved up, others dropped
      ops.push_back(op);
      if (op.code != OpCode::kPin) continue;
      Op unpin = op;
      unpin.code = OpCode::kUnpin;
      unpin.value = 0x29;
      unpin.write_access = unpin.gup_fast = true;  // pin flags: not an unpin's
      unpin.longterm = false;
      for (size_t j = i + 1; j < a.ops.size(); ++j) {
        const Op& u = a.ops[j];
        if (!used[j] && u.code == OpCode::kUnpin && u.map == op.map && u.offset == op.offset &&
            u.length == op.length) {
          used[j] = true;
          unpin = u;
          break;
        }
      }
      ops.push_back(unpin);
    }
    a.ops = std::move(ops);
  }
}

std::optional<Workload> Valid(Workload w) {
  PairPins(w);
  absl::StatusOr<Workload> parsed =
      models::workload::ParseWorkload(models::workload::FormatWorkload(w), w.name);
  if (!parsed.ok()) return std::nullopt;
  return *std::move(parsed);
}

uint32_t Below(sim::Rng& rng, size_t n) { return rng.Uniform(static_cast<uint32_t>(n)); }

// An op position that is not a setup mmap, or false.
bool PickOp(const Workload& w, sim::Rng& rng, size_t* a, size_t* i) {
  *a = Below(rng, w.actors.size());
  const Actor& actor = w.actors[*a];
  const size_t first = models::workload::SetupOpCount(actor);
  if (actor.ops.size() <= first) return false;
  *i = first + Below(rng, actor.ops.size() - first);
  return true;
}

uint64_t FileSize(const Workload& w, const std::string& file) {
  for (const auto& f : w.files) {
    if (f.name == file) return f.size;
  }
  return 0;
}

// An offset at an edge: page, PMD and EOF boundaries, near the current one.
uint64_t Boundary(sim::Rng& rng, uint64_t current, uint64_t size) {
  const uint64_t candidates[] = {0,
                                 kPageSize,
                                 kPageSize - 8,
                                 kPmdSize,
                                 kPmdSize - kPageSize,
                                 size,
                                 size >= 8 ? size - 8 : 0,
                                 size + 100,
                                 current + kPageSize,
                                 current >= kPageSize ? current - kPageSize : 0,
                                 current / kPageSize * kPageSize};
  return candidates[Below(rng, std::size(candidates))];
}

void EditOp(Workload& w, sim::Rng& rng, Op& op) {
  const uint64_t size = FileSize(w, op.file);
  switch (Below(rng, 4)) {
    case 0:
      op.offset = Boundary(rng, op.offset, size);
      break;
    case 1:
      if (op.length > 0) op.length = std::max<uint64_t>(1, Boundary(rng, op.length, size));
      break;
    case 2:
      op.value = 1 + Below(rng, 255);
      break;
    default:
      if (op.code == OpCode::kMmap) {
        op.shared = !op.shared;
        if (!op.shared) op.sync = false;
      } else {
        op.offset = op.offset / kPageSize * kPageSize;
      }
      break;
  }
}

}  // namespace

std::optional<Workload> Mutate(const Workload& w, sim::Rng& rng, const GenOptions& options) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Workload m = w;
    size_t a = 0, i = 0;
    switch (Below(rng, 8)) {
      case 0:  // drop an op
        if (!PickOp(m, rng, &a, &i) || m.actors[a].ops.size() < 2) continue;
        m.actors[a].ops.erase(m.actors[a].ops.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      case 1:  // duplicate an op
        if (!PickOp(m, rng, &a, &i)) continue;
        m.actors[a].ops.insert(m.actors[a].ops.begin() + static_cast<std::ptrdiff_t>(i),
                               m.actors[a].ops[i]);
        break;
      case 2:  // move an op to the end of another actor
      {
        if (!PickOp(m, rng, &a, &i) || m.actors.size() < 2 || m.actors[a].ops.size() < 2) continue;
        const Op op = m.actors[a].ops[i];
        m.actors[a].ops.erase(m.actors[a].ops.begin() + static_cast<std::ptrdiff_t>(i));
        m.actors[(a + 1 + Below(rng, m.actors.size() - 1)) % m.actors.size()].ops.push_back(op);
        break;
      }
      case 3:
      case 4:  // edit an op
        if (!PickOp(m, rng, &a, &i)) continue;
        EditOp(m, rng, m.actors[a].ops[i]);
        break;
      case 5:  // splice in an op of a drawn workload
      {
        const Workload d = DrawWorkload(rng, options);
        size_t da = 0, di = 0;
        if (!PickOp(d, rng, &da, &di)) continue;
        Op op = d.actors[da].ops[di];
        if (OpTarget(op.code) == Target::kMap) continue;  // its mapping is not here
        a = Below(rng, m.actors.size());
        auto& ops = m.actors[a].ops;
        const size_t first = models::workload::SetupOpCount(m.actors[a]);
        ops.insert(
            ops.begin() + static_cast<std::ptrdiff_t>(first + Below(rng, ops.size() - first + 1)),
            op);
        break;
      }
      case 6:  // add an actor of a drawn workload (its own process, file ops and own mappings)
      {
        if (m.actors.size() >= models::workload::kActorsMax) continue;
        const Workload d = DrawWorkload(rng, options);
        Actor actor = d.actors[Below(rng, d.actors.size())];
        actor.name = "F" + std::to_string(m.actors.size() + 1);
        actor.mm = actor.name;
        for (Op& op : actor.ops) {
          if (!op.map.empty()) op.map = actor.name + "_" + op.map;
        }
        m.actors.push_back(std::move(actor));
        break;
      }
      default:  // a file's size
      {
        auto& f = m.files[Below(rng, m.files.size())];
        f.size = Boundary(rng, f.size, f.size);
        break;
      }
    }
    if (m.actors[a].ops.size() > models::workload::kOpsPerActorMax) continue;
    if (std::optional<Workload> v = Valid(m)) return v;
  }
  return std::nullopt;
}

std::vector<Workload> ShrinkCandidates(const Workload& w) {
  std::vector<Workload> out;
  auto add = [&](Workload m) {
    if (std::optional<Workload> v = Valid(m)) out.push_back(*std::move(v));
  };
  for (size_t a = 0; a < w.actors.size() && w.actors.size() > 1; ++a) {
    Workload m = w;
    m.actors.erase(m.actors.begin() + static_cast<std::ptrdiff_t>(a));
    add(std::move(m));
  }
  for (size_t a = 0; a < w.actors.size(); ++a) {
    for (size_t i = 0; i < w.actors[a].ops.size() && w.actors[a].ops.size() > 1; ++i) {
      Workload m = w;
      m.actors[a].ops.erase(m.actors[a].ops.begin() + static_cast<std::ptrdiff_t>(i));
      add(std::move(m));
    }
  }
  for (size_t f = 0; f < w.files.size(); ++f) {
    if (w.files[f].extents.empty()) continue;
    Workload m = w;
    m.files[f].extents.clear();
    add(std::move(m));
  }
  return out;
}

}  // namespace daxsim::props
