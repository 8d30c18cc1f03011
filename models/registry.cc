// The scenario table: each entry names a world builder from models/classic, its integer
// parameters (default and range) and the verdict expected of it. MakeScenario() parses
// "k=v,k=v" against the table and returns a Target whose params are canonical (every
// parameter, sorted by key), so equal worlds always get equal replay tokens.
#include "models/registry.h"

#include <map>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "models/classic/atomic_sleep.h"
#include "models/classic/canary.h"
#include "models/classic/deadlock_wq.h"
#include "models/classic/independent_writers.h"
#include "models/classic/indexer.h"
#include "models/classic/lastzero.h"
#include "models/classic/livelock.h"
#include "models/classic/lock_order.h"
#include "models/classic/pct_depth3.h"
#include "models/classic/prodcons.h"
#include "sim/violation.h"

namespace daxsim::models {
namespace {

using sim::ViolationKind;

using ParamValues = std::map<std::string, int>;  // sorted by key: the canonical order
using Builder = std::unique_ptr<sim::World> (*)(sim::Sim&, const ParamValues&);

struct ParamSpec {
  const char* name;
  int default_value;
  int min;
  int max;
};

struct Entry {
  const char* name;
  const char* description;
  std::vector<ParamSpec> params;
  ViolationKind expected;  // kNone: must pass
  Builder build;
  int64_t steps_max = 0;  // recommended step budget (0: engine default)
};

const std::vector<Entry>& Entries() {
  static const auto* const entries = new std::vector<Entry>{
      {"independent_writers",
       "n actors each write their own variable twice; no bug (DPOR: 1 execution)",
       {{"n", 3, 1, 16}},
       ViolationKind::kNone,
       [](sim::Sim& s, const ParamValues& p) -> std::unique_ptr<sim::World> {
         return classic::BuildIndependentWriters(s, p.at("n"));
       }},
      {"lastzero",
       "Abdulla et al. POPL'14: T0 scans array[n..0] for the last zero while Tj sets "
       "array[j] = array[j-1] + 1; no bug",
       {{"n", 3, 1, 16}},
       ViolationKind::kNone,
       [](sim::Sim& s, const ParamValues& p) -> std::unique_ptr<sim::World> {
         return classic::BuildLastzero(s, p.at("n"));
       }},
      {"indexer",
       "Flanagan & Godefroid POPL'05: n actors CAS 4 messages each into a 128-slot hash table; "
       "no bug (collisions from n >= 12)",
       {{"n", 2, 1, 16}},
       ViolationKind::kNone,
       [](sim::Sim& s, const ParamValues& p) -> std::unique_ptr<sim::World> {
         return classic::BuildIndexer(s, p.at("n"));
       }},
      {"prodcons_lost_wakeup",
       "consumer tests the flag before prepare_to_wait and sleeps without re-testing it: the "
       "producer's wake-up is lost",
       {},
       ViolationKind::kLostWakeup,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildProdcons(s, /*lost_wakeup_bug=*/true);
       }},
      {"prodcons",
       "producer sets a flag and wakes; consumer wait_event()s for it; no bug",
       {},
       ViolationKind::kNone,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildProdcons(s, /*lost_wakeup_bug=*/false);
       }},
      {"lock_order",
       "A locks L1 then L2, B locks L2 then L1: lockdep reports the inversion (a deadlock "
       "with lockdep off)",
       {},
       ViolationKind::kLockOrder,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildLockOrder(s, /*inverted=*/true);
       }},
      {"lock_order_fixed",
       "A and B both lock L1 then L2; no bug",
       {},
       ViolationKind::kNone,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildLockOrder(s, /*inverted=*/false);
       }},
      {"pct_depth3",
       "ordering bug needing two preemptions (PCT depth 3): T3 sees T2's copy of T1's transient "
       "flag; k filler steps per actor",
       {{"k", 10, 1, 1000}},
       ViolationKind::kAssertion,
       [](sim::Sim& s, const ParamValues& p) -> std::unique_ptr<sim::World> {
         return classic::BuildPctDepth3(s, p.at("k"));
       }},
      {"canary",
       "planted lost update (counter = counter + 1 in two steps, twice): every strategy must "
       "find it",
       {},
       ViolationKind::kInvariant,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildCanary(s);
       }},
      {"atomic_sleep",
       "an actor calls mutex_lock while holding a spinlock: sleep in atomic context",
       {},
       ViolationKind::kSleepInAtomic,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildAtomicSleep(s);
       }},
      {"livelock",
       "two actors spin forever on a flag nobody sets: step budget (runs with steps_max 1000)",
       {},
       ViolationKind::kStepBudget,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildLivelock(s);
       },
       /*steps_max=*/1000},
      {"deadlock_wq",
       "an actor wait_event()s for a flag nobody sets while another exits: a hang with no "
       "wait-for cycle",
       {},
       ViolationKind::kDeadlock,
       [](sim::Sim& s, const ParamValues&) -> std::unique_ptr<sim::World> {
         return classic::BuildDeadlockWq(s);
       }},
  };
  return *entries;
}

std::string Canonical(const ParamValues& values) {
  return absl::StrJoin(values, ",", absl::PairFormatter("="));
}

ParamValues Defaults(const Entry& e) {
  ParamValues values;
  for (const ParamSpec& p : e.params) values[p.name] = p.default_value;
  return values;
}

std::string ParamNames(const Entry& e) {
  if (e.params.empty()) return "it takes none";
  return absl::StrJoin(e.params, ", ",
                       [](std::string* out, const ParamSpec& p) { absl::StrAppend(out, p.name); });
}

// Applies one "key=value" override to `values`.
absl::Status ApplyParam(const Entry& e, absl::string_view item, ParamValues& values,
                        ParamValues& given) {
  const std::pair<absl::string_view, absl::string_view> kv =
      absl::StrSplit(item, absl::MaxSplits('=', 1));
  const std::string key(absl::StripAsciiWhitespace(kv.first));
  const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
  if (item.find('=') == absl::string_view::npos || key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario ", e.name, ": malformed parameter '", item, "' (want key=value)"));
  }
  const ParamSpec* spec = nullptr;
  for (const ParamSpec& p : e.params) {
    if (key == p.name) spec = &p;
  }
  if (spec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario ", e.name, " has no parameter '", key, "' (", ParamNames(e), ")"));
  }
  if (given.count(key) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario ", e.name, ": parameter ", key, " given twice"));
  }
  int v = 0;
  if (!absl::SimpleAtoi(value, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario ", e.name, ": parameter ", key, "='", value, "' is not an integer"));
  }
  if (v < spec->min || v > spec->max) {
    return absl::InvalidArgumentError(absl::StrCat("scenario ", e.name, ": ", key, "=", v,
                                                   " is out of range [", spec->min, ", ", spec->max,
                                                   "]"));
  }
  given[key] = v;
  values[key] = v;
  return absl::OkStatus();
}

}  // namespace

const std::vector<ScenarioInfo>& Scenarios() {
  static const auto* const infos = [] {
    auto* v = new std::vector<ScenarioInfo>;
    for (const Entry& e : Entries()) {
      const bool bug = e.expected != ViolationKind::kNone;
      v->push_back({e.name, e.description, Canonical(Defaults(e)), bug,
                    bug ? sim::ViolationKindName(e.expected) : ""});
    }
    return v;
  }();
  return *infos;
}

absl::StatusOr<sim::Target> MakeScenario(const std::string& name, const std::string& params) {
  const Entry* entry = nullptr;
  for (const Entry& e : Entries()) {
    if (name == e.name) entry = &e;
  }
  if (entry == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown scenario '", name, "' (known: ",
        absl::StrJoin(Entries(), ", ",
                      [](std::string* out, const Entry& e) { absl::StrAppend(out, e.name); }),
        ")"));
  }
  ParamValues values = Defaults(*entry);
  ParamValues given;
  for (absl::string_view item : absl::StrSplit(params, ',', absl::SkipWhitespace())) {
    if (absl::Status s = ApplyParam(*entry, item, values, given); !s.ok()) return s;
  }
  sim::Target target;
  target.name = entry->name;
  target.params = Canonical(values);
  target.build = [build = entry->build, values](sim::Sim& s) { return build(s, values); };
  target.steps_max = entry->steps_max;
  return target;
}

}  // namespace daxsim::models
