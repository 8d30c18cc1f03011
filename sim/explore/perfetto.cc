#include "sim/explore/perfetto.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/explore/trace.h"

namespace daxsim::sim {

namespace {

std::string Quote(std::string_view s) {
  std::string q = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        q += "\\\"";
        break;
      case '\\':
        q += "\\\\";
        break;
      case '\n':
        q += "\\n";
        break;
      case '\t':
        q += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          q += buf;
        } else {
          q += c;
        }
    }
  }
  return q + "\"";
}

struct Flow {
  int64_t from_step, to_step;
  ActorId from, to;
  std::string cat, name;
  int id;
};

// The flows of an execution: wake-ups to the woken actor's next step, and each lock's release
// to its next acquisition by another actor.
std::vector<Flow> Flows(const Sim& sim) {
  const auto& steps = sim.steps();
  std::vector<std::vector<int64_t>> by_actor(static_cast<size_t>(sim.num_actors()));
  for (size_t i = 0; i < steps.size(); ++i) {
    by_actor[static_cast<size_t>(steps[i].actor)].push_back(static_cast<int64_t>(i));
  }
  std::vector<Flow> flows;
  std::map<ObjectId, Handoff> released;  // per lock: its last release not yet followed
  for (const Handoff& h : sim.handoffs()) {
    if (h.step < 0) continue;  // set-up (an actor's prologue at Spawn): no step to draw it in
    if (h.kind == Handoff::kWake) {
      const auto& mine = by_actor[static_cast<size_t>(h.woken)];
      auto next = std::upper_bound(mine.begin(), mine.end(), h.step);
      if (next == mine.end()) continue;  // never ran again: no second end
      flows.push_back(
          {h.step, *next, h.actor, h.woken, "wake", "wake " + sim.actor(h.woken).name(), 0});
    } else if (h.kind == Handoff::kRelease) {
      released[h.lock] = h;
    } else if (auto r = released.find(h.lock); r != released.end()) {
      if (r->second.actor != h.actor) {
        flows.push_back(
            {r->second.step, h.step, r->second.actor, h.actor, "lock", sim.ObjectName(h.lock), 0});
      }
      released.erase(r);
    }
  }
  for (size_t i = 0; i < flows.size(); ++i) flows[i].id = static_cast<int>(i) + 1;
  return flows;
}

class Writer {
 public:
  explicit Writer(const Sim& sim) : sim_(sim) {
    std::vector<std::string> groups;
    for (ActorId a = 0; a < sim.num_actors(); ++a) {
      const std::string& g =
          sim.actor(a).group().empty() ? sim.actor(a).name() : sim.actor(a).group();
      auto it = std::find(groups.begin(), groups.end(), g);
      pid_.push_back(static_cast<int>(it - groups.begin()) + 1);
      if (it == groups.end()) groups.push_back(g);
    }
    for (size_t p = 0; p < groups.size(); ++p) {
      Add(absl::StrCat("\"ph\":\"M\",\"name\":\"process_name\",\"pid\":", p + 1,
                       ",\"args\":{\"name\":", Quote("mm " + groups[p]), "}"));
      Add(absl::StrCat("\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":", p + 1,
                       ",\"args\":{\"sort_index\":", p + 1, "}"));
    }
    for (ActorId a = 0; a < sim.num_actors(); ++a) {
      Add(absl::StrCat("\"ph\":\"M\",\"name\":\"thread_name\",", Where(a),
                       ",\"args\":{\"name\":", Quote(sim.actor(a).name()), "}"));
      Add(absl::StrCat("\"ph\":\"M\",\"name\":\"thread_sort_index\",", Where(a),
                       ",\"args\":{\"sort_index\":", a + 1, "}"));
    }
  }

  // The next event of step `step` happens 1 ns after the previous one.
  void At(int64_t step) {
    if (step != step_) sub_ = 0;
    step_ = step;
  }
  std::string Ts() {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%" PRId64 ".%03d", step_, sub_++);
    return buf;
  }
  std::string Where(ActorId a) const {
    return absl::StrCat("\"pid\":", pid_[static_cast<size_t>(a)], ",\"tid\":", a + 1);
  }
  void Begin(ActorId a, const char* cat, std::string_view name, const std::string& args = "") {
    Add(absl::StrCat("\"ph\":\"B\",\"cat\":\"", cat, "\",\"name\":", Quote(name), ",", Where(a),
                     ",\"ts\":", Ts(), args.empty() ? "" : ",\"args\":{" + args + "}"));
  }
  void End(ActorId a) { Add(absl::StrCat("\"ph\":\"E\",", Where(a), ",\"ts\":", Ts())); }
  void Instant(ActorId a, const char* cat, std::string_view name, std::string_view text) {
    const std::string where = a >= 0 ? Where(a) + ",\"s\":\"t\"" : "\"pid\":0,\"s\":\"g\"";
    Add(absl::StrCat("\"ph\":\"i\",\"cat\":\"", cat, "\",\"name\":", Quote(name), ",", where,
                     ",\"ts\":", Ts(), ",\"args\":{\"text\":", Quote(text), "}"));
  }
  void FlowEnd(const Flow& f, bool start) {
    Add(absl::StrCat("\"ph\":\"", start ? "s" : "f", "\",", start ? "" : "\"bp\":\"e\",",
                     "\"cat\":\"", f.cat, "\",\"name\":", Quote(f.name), ",\"id\":", f.id, ",",
                     Where(start ? f.from : f.to), ",\"ts\":", Ts()));
  }

  std::string Finish(std::string_view verdict) {
    return absl::StrCat("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"verdict\":", Quote(verdict),
                        ",\"steps\":", sim_.steps().size(), "},\"traceEvents\":[\n", out_,
                        "\n]}\n");
  }

 private:
  void Add(const std::string& fields) {
    if (!out_.empty()) out_ += ",\n";
    absl::StrAppend(&out_, "{", fields, "}");
  }

  const Sim& sim_;
  std::vector<int> pid_;
  std::string out_;
  int64_t step_ = 0;
  int sub_ = 0;
};

// A model event's name: a trace event's up to its ':' ("dax_pte_fault"), else its text.
std::string_view EventName(const std::string& text) {
  const size_t colon = text.find(": ");
  return colon == std::string::npos ? std::string_view(text)
                                    : std::string_view(text).substr(0, colon);
}

// Moves actor `a`'s open function slices from `open` to `next`: ends what `next` does not share
// (innermost first), begins what it adds.
void Transition(Writer& w, ActorId a, std::vector<const char*>* open,
                const std::vector<const char*>& next) {
  size_t common = 0;
  while (common < open->size() && common < next.size() &&
         std::string_view((*open)[common]) == next[common]) {
    ++common;
  }
  for (size_t i = open->size(); i-- > common;) w.End(a);
  for (size_t i = common; i < next.size(); ++i) w.Begin(a, "func", next[i]);
  *open = next;
}

std::string StepArgs(const Sim& sim, size_t i) {
  const StepRecord& s = sim.steps()[i];
  std::string args = absl::StrCat("\"step\":", i, ",\"func\":", Quote(s.func));
  if (s.fp.object != kNoObject) {
    absl::StrAppend(&args, ",\"object\":", Quote(sim.ObjectName(s.fp.object)),
                    ",\"access\":", Quote(AccessName(s.fp.access)));
  }
  if (s.fp.object2 != kNoObject) {
    absl::StrAppend(&args, ",\"object2\":", Quote(sim.ObjectName(s.fp.object2)),
                    ",\"access2\":", Quote(AccessName(s.fp.access2)));
  }
  return args;
}

}  // namespace

std::string FormatPerfetto(const Sim& sim) {
  Writer w(sim);
  const auto& steps = sim.steps();
  const auto& stacks = sim.step_stacks();
  const auto& events = sim.trace();
  const std::vector<Flow> flows = Flows(sim);
  std::vector<std::vector<const Flow*>> starts(steps.size()), ends(steps.size());
  for (const Flow& f : flows) {
    starts[static_cast<size_t>(f.from_step)].push_back(&f);
    ends[static_cast<size_t>(f.to_step)].push_back(&f);
  }
  std::vector<std::vector<const char*>> open(static_cast<size_t>(sim.num_actors()));
  std::vector<bool> started(open.size(), false);
  std::vector<int64_t> next_of(steps.size(), -1);  // the same actor's next step
  std::vector<int64_t> last(open.size(), -1);
  for (size_t i = steps.size(); i-- > 0;) {
    int64_t& l = last[static_cast<size_t>(steps[i].actor)];
    next_of[i] = l;
    l = static_cast<int64_t>(i);
  }
  size_t e = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const ActorId a = steps[i].actor;
    const auto ua = static_cast<size_t>(a);
    w.At(static_cast<int64_t>(i));
    if (!started[ua]) Transition(w, a, &open[ua], i < stacks.size() ? stacks[i] : open[ua]);
    started[ua] = true;
    std::string label = steps[i].op;
    if (steps[i].fp.object != kNoObject) label += " " + sim.ObjectName(steps[i].fp.object);
    w.Begin(a, "step", label, StepArgs(sim, i));
    for (const Flow* f : ends[i]) w.FlowEnd(*f, false);
    for (; e < events.size() && events[e].step <= static_cast<int64_t>(i); ++e) {
      if (events[e].step_echo) continue;
      w.Instant(events[e].actor, IsKernelTraceEvent(events[e].text) ? "tracepoint" : "op",
                EventName(events[e].text), events[e].text);
    }
    for (const Flow* f : starts[i]) w.FlowEnd(*f, true);
    w.End(a);
    const int64_t next = next_of[i];
    if (next >= 0 && static_cast<size_t>(next) < stacks.size()) {
      Transition(w, a, &open[ua], stacks[static_cast<size_t>(next)]);
    } else if (next < 0 && sim.actor(a).done()) {
      Transition(w, a, &open[ua], {});
    }
  }
  w.At(static_cast<int64_t>(steps.size()));
  for (; e < events.size(); ++e) {
    if (!events[e].step_echo)
      w.Instant(events[e].actor, "op", EventName(events[e].text), events[e].text);
  }
  std::string verdict = sim.completed() ? "completed" : "abandoned";
  if (sim.violation().found()) {
    verdict = absl::StrCat("VIOLATION ", ViolationKindName(sim.violation().kind), ": ",
                           sim.violation().message);
    w.Instant(kNoActor, "violation",
              absl::StrCat("VIOLATION ", ViolationKindName(sim.violation().kind)),
              sim.violation().message);
  }
  for (ActorId a = 0; a < sim.num_actors(); ++a)
    Transition(w, a, &open[static_cast<size_t>(a)], {});
  return w.Finish(verdict);
}

}  // namespace daxsim::sim
