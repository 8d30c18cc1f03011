// The counterexample views on the gate corpus's tokens (a counterexample of every catalog bug):
// the Perfetto export parsed as JSON and checked for structure (balanced slices per thread,
// both ends of every flow inside a step slice, one step slice per step, the violation).
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "models/dax_world/target.h"
#include "models/workload/workload.h"
#include "props/dax/protects.h"
#include "sim/explore/explorer.h"
#include "sim/explore/perfetto.h"
#include "sim/explore/simple.h"
#include "sim/world.h"
#include "tools/daxsim/counterexample.h"

namespace daxsim::cli {
namespace {

// ---- A strict JSON reader, enough to check the export (objects, arrays, strings, numbers) ----
struct Json;
using JsonObj = std::map<std::string, Json>;
using JsonArr = std::vector<Json>;
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<JsonArr>,
               std::shared_ptr<JsonObj>>
      v;
  const JsonObj& obj() const { return *std::get<std::shared_ptr<JsonObj>>(v); }
  const JsonArr& arr() const { return *std::get<std::shared_ptr<JsonArr>>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  double num() const { return std::get<double>(v); }
  bool has(const std::string& k) const { return obj().count(k) > 0; }
  const Json& at(const std::string& k) const { return obj().at(k); }
};

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  bool Parse(Json* out) {
    if (!Value(out)) return false;
    Ws();
    return p_ == s_.size();
  }

 private:
  void Ws() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool Eat(char c) {
    Ws();
    if (p_ < s_.size() && s_[p_] == c) return ++p_, true;
    return false;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (p_ < s_.size() && s_[p_] != '"') {
      if (static_cast<unsigned char>(s_[p_]) < 0x20) return false;
      if (s_[p_] == '\\') {
        if (++p_ >= s_.size()) return false;
        const char e = s_[p_];
        if (e == 'u') {
          if (p_ + 4 >= s_.size()) return false;
          *out += static_cast<char>(std::strtol(s_.substr(p_ + 1, 4).c_str(), nullptr, 16));
          p_ += 4;
        } else if (std::string("\"\\/bfnrt").find(e) != std::string::npos) {
          *out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          return false;
        }
        ++p_;
      } else {
        *out += s_[p_++];
      }
    }
    return Eat('"');
  }
  bool Value(Json* out) {
    Ws();
    if (p_ >= s_.size()) return false;
    const char c = s_[p_];
    if (c == '{') return Object(out);
    if (c == '[') return Array(out);
    if (c == '"') {
      std::string s;
      if (!String(&s)) return false;
      out->v = std::move(s);
      return true;
    }
    for (const char* lit : {"true", "false", "null"}) {
      if (s_.compare(p_, std::strlen(lit), lit) == 0) {
        p_ += std::strlen(lit);
        if (lit[0] == 'n') {
          out->v = nullptr;
        } else {
          out->v = lit[0] == 't';
        }
        return true;
      }
    }
    char* end = nullptr;
    const double d = std::strtod(s_.c_str() + p_, &end);
    if (end == s_.c_str() + p_) return false;
    p_ = static_cast<size_t>(end - s_.c_str());
    out->v = d;
    return true;
  }
  bool Object(Json* out) {
    auto o = std::make_shared<JsonObj>();
    Eat('{');
    if (!Eat('}')) {
      do {
        std::string k;
        Json v;
        if (!String(&k) || !Eat(':') || !Value(&v) || o->count(k) > 0) return false;
        (*o)[k] = std::move(v);
      } while (Eat(','));
      if (!Eat('}')) return false;
    }
    out->v = o;
    return true;
  }
  bool Array(Json* out) {
    auto a = std::make_shared<JsonArr>();
    Eat('[');
    if (!Eat(']')) {
      do {
        Json v;
        if (!Value(&v)) return false;
        a->push_back(std::move(v));
      } while (Eat(','));
      if (!Eat(']')) return false;
    }
    out->v = a;
    return true;
  }

  const std::string& s_;
  size_t p_ = 0;
};

// The gate corpus's failing tokens by catalog bug ("# name: title" precedes each pair).
std::map<std::string, std::string> CorpusByBug() {
  std::ifstream f(std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") +
                  "/corpus/catalog.corpus");
  std::map<std::string, std::string> tokens;
  std::string bug, kind, token;
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("# ", 0) == 0 && line.find(": ") != std::string::npos) {
      bug = line.substr(2, line.find(": ") - 2);
      continue;
    }
    std::istringstream in(line);
    if (in >> kind >> token && kind == "fails") tokens[bug] = token;
  }
  return tokens;
}

std::vector<std::string> CorpusTokens() {
  std::vector<std::string> tokens;
  for (const auto& [bug, token] : CorpusByBug()) tokens.push_back(token);
  return tokens;
}

struct Slice {
  std::string cat, name;
  double begin;
};

struct Counts {
  int wake_flows = 0, lock_flows = 0, wake_into_schedule = 0;
};

// Checks one trace's structure; adds its flows to `counts`.
void CheckTrace(const sim::Sim& sim, const Json& root, Counts* counts) {
  ASSERT_EQ(root.at("otherData").at("steps").num(), static_cast<double>(sim.steps().size()));
  std::map<double, std::vector<Slice>> open;  // per tid
  std::map<double, double> last_ts;
  std::map<double, std::vector<std::string>> flows;    // id -> "s <step slice>", "f <slice>"
  std::vector<std::pair<double, double>> step_slices;  // (step arg, tid)
  int violations = 0;
  for (const Json& e : root.at("traceEvents").arr()) {
    const std::string& ph = e.at("ph").str();
    if (ph == "M") continue;
    const double ts = e.at("ts").num();
    if (ph == "i" && e.at("s").str() == "g") {
      violations += e.at("cat").str() == "violation";
      EXPECT_EQ(e.at("args").at("text").str(), sim.violation().message);
      continue;
    }
    const double tid = e.at("tid").num();
    EXPECT_GE(ts, last_ts[tid]) << "time goes backwards on tid " << tid;
    last_ts[tid] = ts;
    std::vector<Slice>& stack = open[tid];
    if (ph == "B") {
      stack.push_back({e.at("cat").str(), e.at("name").str(), ts});
      if (e.at("cat").str() == "step") {
        step_slices.emplace_back(e.at("args").at("step").num(), tid);
        EXPECT_EQ(stack.size() - 1, sim.step_stacks()[step_slices.size() - 1].size())
            << "a step slice sits inside its function slices";
      }
    } else if (ph == "E") {
      ASSERT_FALSE(stack.empty()) << "E without B on tid " << tid << " at " << ts;
      stack.pop_back();
    } else if (ph == "s" || ph == "f") {
      ASSERT_FALSE(stack.empty());
      EXPECT_EQ(stack.back().cat, "step") << "a flow end lies inside a step slice";
      flows[e.at("id").num()].push_back(ph + " " + e.at("cat").str() + " " + stack.back().name);
    } else {
      EXPECT_EQ(ph, "i");
      EXPECT_FALSE(stack.empty()) << "an instant happens in a step";
    }
  }
  for (const auto& [tid, stack] : open) EXPECT_TRUE(stack.empty()) << "unclosed slice on " << tid;
  ASSERT_EQ(step_slices.size(), sim.steps().size()) << "one step slice per step";
  for (size_t i = 0; i < step_slices.size(); ++i) {
    EXPECT_EQ(step_slices[i].first, static_cast<double>(i));
    EXPECT_EQ(step_slices[i].second, sim.steps()[i].actor + 1) << "step " << i << "'s thread";
  }
  EXPECT_EQ(violations, sim.violation().found() ? 1 : 0);
  for (const auto& [id, ends] : flows) {
    ASSERT_EQ(ends.size(), 2u) << "flow " << id;
    EXPECT_EQ(ends[0].substr(0, 2), "s ");
    EXPECT_EQ(ends[1].substr(0, 2), "f ");
    if (ends[0].find(" wake ") != std::string::npos) {
      counts->wake_flows++;
      counts->wake_into_schedule += ends[1].find("wake schedule") != std::string::npos;
    } else {
      counts->lock_flows++;
    }
  }
}

TEST(PerfettoTest, EveryCatalogCounterexampleExportsAWellFormedTrace) {
  const std::vector<std::string> tokens = CorpusTokens();
  ASSERT_GE(tokens.size(), 15u);
  Counts counts;
  for (const std::string& t : tokens) {
    SCOPED_TRACE(t.substr(0, 60));
    absl::StatusOr<Replayed> r = ReplayForViews(t);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->sim->violation().found());
    const std::string text = sim::FormatPerfetto(*r->sim);
    EXPECT_EQ(text, sim::FormatPerfetto(*ReplayForViews(t)->sim)) << "deterministic";
    Json root;
    ASSERT_TRUE(Reader(text).Parse(&root)) << "not JSON";
    CheckTrace(*r->sim, root, &counts);
  }
  EXPECT_GT(counts.lock_flows, 20);
  EXPECT_GT(counts.wake_flows, 0);
  EXPECT_GT(counts.wake_into_schedule, 0) << "a wake-up leads into the woken actor's schedule()";
}

TEST(PerfettoTest, ThreadsOfOneMmShareAProcess) {
  // Two threads of process p and a process of its own: two process tracks, three threads.
  absl::StatusOr<models::workload::Workload> w = models::workload::ParseWorkload(
      "workload threads\nfile f size=8192\n"
      "actor A mm=p\n  mmap m f len=8192 addr=0x40000000\n  store m 0 len=1 val=1\n"
      "actor B mm=p\n  mmap n f len=4096 addr=0x50000000\n  store n 0 len=1 val=2\n"
      "actor C\n  truncate f 0\n",
      "views_test");
  ASSERT_TRUE(w.ok()) << w.status();
  absl::StatusOr<sim::Target> t = models::MakeDaxTargetFromWorkload("xfs", *w, "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::Sim sim(sim::SimOptions{.trace = true});
  std::unique_ptr<sim::World> world = t->build(sim);
  sim::FirstEnabled first;
  sim.Run(first);
  Json root;
  ASSERT_TRUE(Reader(sim::FormatPerfetto(sim)).Parse(&root));
  std::map<std::string, double> pid_of;      // thread name -> pid
  std::map<double, std::string> process_of;  // pid -> process name
  for (const Json& e : root.at("traceEvents").arr()) {
    if (e.at("ph").str() != "M") continue;
    if (e.at("name").str() == "thread_name")
      pid_of[e.at("args").at("name").str()] = e.at("pid").num();
    if (e.at("name").str() == "process_name") {
      process_of[e.at("pid").num()] = e.at("args").at("name").str();
    }
  }
  ASSERT_EQ(pid_of.size(), 3u);
  EXPECT_EQ(pid_of["A"], pid_of["B"]);
  EXPECT_NE(pid_of["A"], pid_of["C"]);
  EXPECT_EQ(process_of[pid_of["A"]], "mm p");
  EXPECT_EQ(process_of[pid_of["C"]], "mm C");
  Counts counts;
  CheckTrace(sim, root, &counts);
}

// ---- daxsim explain ----

const sim::ExplainedObject* FindObject(const sim::Explanation& e, const std::string& name) {
  for (const auto& o : e.objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

// The last change of `name`: who (actor), in which function, to what.
struct Last {
  std::string actor, func, after;
};
Last LastChange(const sim::Explanation& e, const std::string& name) {
  const sim::ExplainedObject* o = FindObject(e, name);
  if (o == nullptr || o->changes.empty()) return {"?", "?", "?"};
  const sim::ObjectChange& c = o->changes.back();
  const sim::StepRecord& s = e.sim->steps()[static_cast<size_t>(c.step)];
  return {e.sim->actor(s.actor).name(), s.func, c.after};
}

sim::Explanation ExplainBug(const std::string& bug) {
  const std::map<std::string, std::string> tokens = CorpusByBug();
  EXPECT_TRUE(tokens.count(bug)) << bug;
  absl::StatusOr<sim::Explanation> e = ExplainToken(tokens.at(bug));
  EXPECT_TRUE(e.ok()) << e.status();
  return *std::move(e);
}

TEST(ExplainTest, TruncateShrankTheFileAndAFaultMappedPastIt) {
  const sim::Explanation e = ExplainBug("fault_truncate_race");
  ASSERT_TRUE(e.sim->violation().found());
  const Last size = LastChange(e, "i_size f");
  EXPECT_EQ(size.actor, "T2");
  EXPECT_EQ(size.func, "xfs_setattr_size");
  EXPECT_EQ(size.after, "0");
  const Last pte = LastChange(e, "pte T1 0x40001000");
  EXPECT_EQ(pte.actor, "T1");
  EXPECT_EQ(pte.func, "vmf_insert_mixed_mkwrite");
  EXPECT_NE(pte.after.find("writable"), std::string::npos) << pte.after;
  // The one preemption lets the truncate run inside the fault: T2's zap before T1's install.
  ASSERT_EQ(e.preemptions.size(), 1u);
  EXPECT_EQ(e.sim->actor(e.preemptions[0].preempted).name(), "T1");
  bool zap_before_install = false;
  for (const auto& [s, t] : e.preemptions[0].conflicts) {
    zap_before_install |= std::string(e.sim->steps()[static_cast<size_t>(s)].op) == "zap_pmd_range";
  }
  EXPECT_TRUE(zap_before_install);
}

TEST(ExplainTest, PunchFreedTheBlockAMappingStillReaches) {
  const sim::Explanation e = ExplainBug("punch_fault_race");
  const sim::ExplainedObject* pte = FindObject(e, "pte T1 0x40000000");
  ASSERT_NE(pte, nullptr);
  const std::string block =
      "block " + pte->state.substr(pte->state.find("block ") + 6,
                                   pte->state.find(',') - pte->state.find("block ") - 6);
  const Last freed = LastChange(e, block);
  EXPECT_EQ(freed.actor, "T2") << block;
  EXPECT_EQ(freed.func, "xfs_free_file_space");
  EXPECT_EQ(freed.after, "") << "freed";
  EXPECT_EQ(FindObject(e, block)->state, "");
}

TEST(ExplainTest, FsyncLostTheEntryThatInvalidationDeleted) {
  const sim::Explanation e = ExplainBug("invalidate_dirty");
  const sim::ExplainedObject* entry = FindObject(e, "entry f[0]");
  ASSERT_NE(entry, nullptr);
  ASSERT_FALSE(entry->changes.empty());
  const Last last = LastChange(e, "entry f[0]");
  EXPECT_EQ(last.actor, "T2");
  EXPECT_EQ(last.func, "dax_invalidate_mapping_entry_sync");
  EXPECT_EQ(last.after, "");
  EXPECT_NE(entry->changes.back().before.find("DIRTY"), std::string::npos) << "a DIRTY entry";
}

TEST(ExplainTest, LostWakeupNamesTheWaitQueueAndItsSleepers) {
  const sim::Explanation e = ExplainBug("pmd_wait_wrong_bucket");
  ASSERT_EQ(e.sim->violation().kind, sim::ViolationKind::kLostWakeup);
  ASSERT_EQ(e.objects.size(), 1u);
  EXPECT_TRUE(e.objects[0].scheduler);
  EXPECT_NE(e.objects[0].name.find("wait_table["), std::string::npos);
  EXPECT_NE(e.objects[0].name.find("B at schedule"), std::string::npos);
  EXPECT_NE(e.objects[0].name.find("C at schedule"), std::string::npos);
}

// A load whose expect= is wrong (the file holds zeroes): I9 names the page the load reached.
TEST(ExplainTest, AWrongResultNamesThePageTheLoadReached) {
  absl::StatusOr<models::workload::Workload> w = models::workload::ParseWorkload(
      "workload wrong_expect\nfile f size=8192 written=0-8192 fill=7\n"
      "actor A\n  mmap m f len=8192 addr=0x40000000\n  load m 0x1000 len=1 expect=5\n",
      "views_test");
  ASSERT_TRUE(w.ok()) << w.status();
  absl::StatusOr<sim::Target> t = models::MakeDaxTargetFromWorkload("xfs", *w, "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  const sim::ExploreResult r = sim::Explore(*t, o);
  ASSERT_TRUE(r.first.has_value());
  absl::StatusOr<sim::Explanation> e = ExplainToken(r.first->token);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->sim->violation().key, "I9 user-visible result");
  const Last pte = LastChange(*e, "pte A 0x40001000");
  EXPECT_EQ(pte.actor, "A");
  EXPECT_NE(pte.after.find("read-only"), std::string::npos) << pte.after;
  EXPECT_NE(FindObject(*e, "entry f[1]"), nullptr);
  const sim::ExplainedObject* block = nullptr;
  for (const auto& o : e->objects) {
    if (o.name.rfind("block ", 0) == 0) block = &o;
  }
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->state, "f page 1");
}

// The BUG_ON in dax_unlock_entry (populate_pfns inserting without the entry lock) names the
// entry that was replaced behind its holder's back.
TEST(ExplainTest, EntryBugOnNamesTheReplacedEntry) {
  const sim::Explanation e = ExplainBug("populate_nolock");
  ASSERT_EQ(e.sim->violation().kind, sim::ViolationKind::kAssertion);
  const sim::ExplainedObject* entry = FindObject(e, "entry f[0]");
  ASSERT_NE(entry, nullptr);
  ASSERT_GE(entry->changes.size(), 2u);
  EXPECT_FALSE(entry->scheduler);
}

TEST(ExplainTest, EveryCatalogCounterexampleIsExplainedConsistently) {
  for (const auto& [bug, token] : CorpusByBug()) {
    SCOPED_TRACE(bug);
    absl::StatusOr<sim::Explanation> e = ExplainToken(token);
    ASSERT_TRUE(e.ok()) << e.status();
    const sim::Sim& sim = *e->sim;
    ASSERT_TRUE(sim.violation().found());
    EXPECT_EQ(static_cast<int>(e->preemptions.size()), sim.preemptions());
    EXPECT_FALSE(props::Protects(sim.violation()).empty()) << sim.violation().message;
    EXPECT_FALSE(e->objects.empty());
    for (const auto& o : e->objects) {
      int64_t prev = -1;
      for (const auto& c : o.changes) {
        EXPECT_GT(c.step, prev) << o.name;
        EXPECT_LE(c.step, sim.violation().step) << o.name << " changed after the violation";
        prev = c.step;
      }
    }
    for (const auto& p : e->preemptions) {
      EXPECT_NE(sim.steps()[static_cast<size_t>(p.step)].actor, p.preempted);
      for (const auto& [s, t] : p.conflicts) {
        EXPECT_LT(s, t);
        EXPECT_EQ(sim.steps()[static_cast<size_t>(t)].actor, p.preempted);
      }
    }
    absl::StatusOr<sim::Token> tok = sim::DecodeToken(token);
    ASSERT_TRUE(tok.ok());
    EXPECT_EQ(ExplanationText(*tok, *e), ExplanationText(*tok, *ExplainToken(token)))
        << "deterministic";
  }
}

}  // namespace
}  // namespace daxsim::cli
