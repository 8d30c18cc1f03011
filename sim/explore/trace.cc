#include "sim/explore/trace.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/explore/token.h"

namespace daxsim::sim {

namespace {

std::string StepText(const Sim& sim, const StepRecord& s, bool with_access) {
  std::string t;
  if (s.func[0] != '\0') absl::StrAppend(&t, s.func, ": ");
  t += s.op;
  if (s.fp.object != kNoObject) {
    absl::StrAppend(&t, " ", sim.ObjectName(s.fp.object));
    if (with_access) absl::StrAppend(&t, " [", AccessName(s.fp.access), "]");
  }
  if (s.fp.object2 != kNoObject && with_access) {
    absl::StrAppend(&t, " ", sim.ObjectName(s.fp.object2), " [", AccessName(s.fp.access2), "]");
  }
  return t;
}

std::string Verdict(const Sim& sim) {
  if (sim.violation().found()) {
    return absl::StrCat("VIOLATION ", ViolationKindName(sim.violation().kind), ": ",
                        sim.violation().message);
  }
  if (sim.completed()) return "completed";
  return "abandoned";
}

}  // namespace

std::string FormatTrace(const Sim& sim) {
  std::string out;
  const auto& events = sim.trace();
  size_t e = 0;
  const auto& steps = sim.steps();
  for (size_t i = 0; i < steps.size(); ++i) {
    absl::StrAppend(&out, "#", i, " ", sim.actor(steps[i].actor).name(), " ",
                    StepText(sim, steps[i], true), "\n");
    for (; e < events.size() && events[e].step <= static_cast<int64_t>(i); ++e) {
      if (events[e].step_echo) continue;
      absl::StrAppend(&out, "    ", events[e].text, "\n");
    }
  }
  absl::StrAppend(&out, Verdict(sim), "\n");
  return out;
}

std::string FormatSwimlane(const Sim& sim, size_t width) {
  constexpr size_t kRow = 6;       // the step number's column
  constexpr size_t kCellMin = 12;  // no column narrower, whatever `width` asks
  const int n = sim.num_actors();
  const auto& steps = sim.steps();
  // Each actor's column is as wide as its longest label (its name, its steps) and a gap.
  std::vector<std::string> labels(steps.size());
  std::vector<size_t> cols(static_cast<size_t>(n));
  for (ActorId a = 0; a < n; ++a) cols[a] = sim.actor(a).name().size() + 2;
  for (size_t i = 0; i < steps.size(); ++i) {
    labels[i] = StepText(sim, steps[i], false);
    size_t& c = cols[static_cast<size_t>(steps[i].actor)];
    c = std::max(c, labels[i].size() + 2);
  }
  if (width > 0 && n > 0) {  // --width: the whole line, columns cut alike
    const size_t cap = std::max(kCellMin, (width > kRow ? width - kRow : 0) / n);
    for (size_t& c : cols) c = std::min(c, cap);
  }
  auto cell = [&](std::string s, size_t w) {
    if (s.size() > w - 1) s = s.substr(0, w - 2) + "~";
    s.resize(w, ' ');
    return s;
  };
  auto trim = [](std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string head = "step  ";
  for (ActorId a = 0; a < n; ++a) head += cell(sim.actor(a).name(), cols[a]);
  std::string out = trim(head);
  const auto& events = sim.trace();
  size_t e = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string row = absl::StrCat(i);
    row.resize(kRow, ' ');
    for (ActorId a = 0; a < n; ++a) row += cell(a == steps[i].actor ? labels[i] : "", cols[a]);
    out += trim(row);
    for (; e < events.size() && events[e].step <= static_cast<int64_t>(i); ++e) {
      if (events[e].step_echo) continue;
      size_t indent = kRow;
      for (ActorId a = 0; a < std::max(events[e].actor, 0); ++a) indent += cols[a];
      out += std::string(indent, ' ') + "  " + events[e].text + "\n";
    }
  }
  out += Verdict(sim) + "\n";
  return out;
}

bool IsKernelTraceEvent(const std::string& text) {
  const size_t colon = text.find(": ");
  return colon != std::string::npos && text.find('_') < colon && text.find(' ') >= colon;
}

std::string FormatFtrace(const Sim& sim) {
  std::string out = "# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n";
  for (const TraceEvent& e : sim.trace()) {
    if (e.step_echo || !IsKernelTraceEvent(e.text)) continue;
    const std::string comm = e.actor >= 0 ? sim.actor(e.actor).name() : "<...>";
    char prefix[96];
    std::snprintf(prefix, sizeof(prefix), "%16s-%-7d [%03d] ..... %5lld.%06lld: ", comm.c_str(),
                  1000 + e.actor, e.actor >= 0 ? e.actor % 2 : 0,
                  static_cast<long long>(e.step / 1000000),
                  static_cast<long long>(e.step % 1000000));
    out += prefix + e.text + "\n";
  }
  return out;
}

uint64_t TraceHash(const Sim& sim) { return Fnv1a64(FormatTrace(sim)); }

uint64_t TraceClassHash(const Sim& sim) {
  const auto& steps = sim.steps();
  const size_t m = steps.size();
  std::vector<int> level(m, 0);
  std::vector<int> last_level(static_cast<size_t>(sim.num_actors()), 0);
  for (size_t j = 0; j < m; ++j) {
    int l = last_level[static_cast<size_t>(steps[j].actor)];
    for (size_t i = 0; i < j; ++i) {
      if (steps[i].actor != steps[j].actor && Dependent(steps[i].fp, steps[j].fp)) {
        l = std::max(l, level[i]);
      }
    }
    level[j] = l + 1;
    last_level[static_cast<size_t>(steps[j].actor)] = level[j];
  }
  // Choice values belong to the step they are made in (the last step before them).
  std::vector<std::string> choices(m);
  int64_t step = -1;
  for (const Decision& d : sim.decisions()) {
    if (d.kind == Decision::kStep) {
      step++;
    } else if (step >= 0 && static_cast<size_t>(step) < m) {
      absl::StrAppend(&choices[static_cast<size_t>(step)], "/", d.value);
    }
  }
  std::vector<std::tuple<int, ActorId, size_t>> order;
  for (size_t j = 0; j < m; ++j) order.emplace_back(level[j], steps[j].actor, j);
  std::sort(order.begin(), order.end());
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [l, a, j] : order) {
    h = Fnv1a64(absl::StrCat(l, ":", a, ":", steps[j].op, ":", steps[j].fp.object, ":",
                             static_cast<int>(steps[j].fp.access), ":", steps[j].fp.object2, ":",
                             static_cast<int>(steps[j].fp.access2), choices[j], ";"),
                h);
  }
  return h;
}

}  // namespace daxsim::sim
