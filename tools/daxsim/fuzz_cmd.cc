// `daxsim fuzz --corpus=DIR`: coverage-guided fuzzing of the DAX models. Each candidate
// workload is either drawn fresh (props/gen/sketch.h) or a mutation of a corpus workload
// (props/gen/mutate.h); it runs on one model (round robin) with DPOR bounded to 1 preemption
// and then PCT, collecting model coverage (sim::Sim::Cover: kernel function and scheduling
// label of every step, fs_dax fault results, every call's outcome). A candidate that reaches a
// point no earlier workload reached joins the corpus (written to DIR). A violation that is not
// a known finding of the model is saved at once (its workload as DIR/failures/MODEL-N.found.wl,
// its token appended to the failures file), then shrunk (workload first: actors, then
// operations, while the same violation, not a known finding, shows; the schedule is shrunk by
// the explorer): the shrunk token is appended too and the workload written as MODEL-N.wl.
//
// Deterministic for a given seed, corpus and --runs: candidates are made in rounds of eight
// from the corpus as it was at the round's start, explored --jobs at a time and merged in
// order, so --jobs changes the speed only. --shard=i/n (or Bazel's
// TEST_SHARD_INDEX/TEST_TOTAL_SHARDS) runs the candidates whose number is i modulo n: n machines,
// or a sharded test target, split one campaign.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "models/dax_world/configs.h"
#include "models/dax_world/target.h"
#include "models/registry.h"
#include "props/corpus/corpus.h"
#include "props/gen/mutate.h"
#include "props/gen/sketch.h"
#include "sim/rng.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/json.h"
#include "tools/daxsim/status_macros.h"

namespace daxsim::cli {

namespace {

namespace fsys = std::filesystem;
using models::workload::Workload;

constexpr int64_t kRunsDefault = 200;
constexpr int64_t kDporExecutions = 300;
constexpr int64_t kPctExecutions = 100;
constexpr int kShrinkRounds = 40;
// Candidates made from one state of the corpus (independent of --jobs, so the campaign is too).
constexpr size_t kRoundSize = 8;

struct FuzzConfig {
  std::string corpus_dir;
  int64_t runs = kRunsDefault;
  double seconds = 0;  // 0: no time limit
  int jobs = 1;
  uint64_t seed = 1;
  sim::Partition shard;
  std::vector<std::string> models;
  std::string params;  // bug_NAME=1,... from --bug
  std::string failures_path = ResolveUserPath("daxsim-failures.txt");
  bool json = false;
  bool help = false;
};

std::string FuzzUsage() {
  return "usage: daxsim fuzz --corpus=DIR [--runs=N] [--seconds=S] [--jobs=N] [--seed=S]\n"
         "                   [--shard=i/n] [--models=M,...] [--bug=NAME,...] [--failures=FILE]\n"
         "                   [--json]\n";
}

absl::StatusOr<FuzzConfig> ParseFuzz(const Args& args) {
  static const std::vector<FlagSpec> kFlags = {
      {"corpus", FlagArg::kRequired},  {"runs", FlagArg::kRequired},
      {"seconds", FlagArg::kRequired}, {"jobs", FlagArg::kRequired},
      {"seed", FlagArg::kRequired},    {"shard", FlagArg::kRequired},
      {"models", FlagArg::kRequired},  {"failures", FlagArg::kRequired},
      {"bug", FlagArg::kRequired},     {"json", FlagArg::kNone},
      {"help", FlagArg::kNone},
  };
  DAXSIM_ASSIGN_OR_RETURN(const ParsedArgs a, ParseArgs("fuzz", args, kFlags));
  FuzzConfig c;
  c.help = a.Has("help");
  if (c.help) return c;
  c.json = a.Has("json");
  auto corpus = a.Get("corpus");
  if (!corpus || corpus->empty()) return absl::InvalidArgumentError("fuzz needs --corpus=DIR");
  c.corpus_dir = ResolveUserPath(*corpus);
  if (auto v = a.Get("runs")) {
    DAXSIM_ASSIGN_OR_RETURN(c.runs, ParseIntInRange(*v, "--runs", 1, 1000000000));
  }
  if (auto v = a.Get("seconds")) {
    DAXSIM_ASSIGN_OR_RETURN(const int64_t s, ParseIntInRange(*v, "--seconds", 1, 100000000));
    c.seconds = static_cast<double>(s);
    if (!a.Get("runs")) c.runs = 1000000000;  // the time decides
  }
  if (auto v = a.Get("jobs")) {
    DAXSIM_ASSIGN_OR_RETURN(const int64_t j, ParseIntInRange(*v, "--jobs", 1, 64));
    c.jobs = static_cast<int>(j);
  }
  if (auto v = a.Get("seed")) {
    DAXSIM_ASSIGN_OR_RETURN(c.seed, ParseUint64(*v, "--seed"));
  }
  if (auto v = a.Get("shard")) {
    DAXSIM_ASSIGN_OR_RETURN(const Shard s, ParseShard(*v));
    c.shard = sim::Partition{s.index, s.count};
  } else {
    DAXSIM_RETURN_IF_ERROR(ShardFromEnvironment(&c.shard));
  }
  if (auto v = a.Get("models")) {
    c.models = absl::StrSplit(*v, ',', absl::SkipEmpty());
  } else {
    for (const models::ModelInfo& m : models::DaxModels()) c.models.push_back(m.name);
  }
  for (const std::string& m : c.models) {
    bool known = false;
    for (const models::ModelInfo& info : models::DaxModels()) known |= info.name == m;
    if (!known) return absl::InvalidArgumentError("unknown model '" + m + "' (daxsim list models)");
  }
  if (auto v = a.Get("failures")) c.failures_path = ResolveUserPath(*v);
  DAXSIM_ASSIGN_OR_RETURN(c.params, WithBugs("", a.Get("bug")));
  return c;
}

// The corpus: the checked-in seeds, then DIR's *.wl files by name. A file that does not parse
// is bad input (one line, exit 2).
absl::StatusOr<std::vector<Workload>> LoadCorpus(const std::string& dir) {
  std::vector<Workload> out;
  for (const auto& [file, text] : props::SeedCorpus()) {
    absl::StatusOr<Workload> w = models::workload::ParseWorkload(text, file);
    if (w.ok()) out.push_back(*std::move(w));
  }
  std::error_code ec;
  fsys::create_directories(dir + "/inflight", ec);
  if (ec) return absl::InvalidArgumentError(dir + ": " + ec.message());
  std::vector<std::string> files;
  for (const auto& e : fsys::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".wl") files.push_back(e.path().string());
  }
  if (ec) return absl::InvalidArgumentError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    DAXSIM_ASSIGN_OR_RETURN(Workload w, models::workload::LoadWorkloadFile(f));
    out.push_back(std::move(w));
  }
  return out;
}

struct Candidate {
  uint64_t number = 0;
  std::string model;
  Workload workload;
  bool mutated = false;
};

struct Outcome {
  std::vector<uint64_t> coverage;  // sorted, unique
  int64_t executions = 0;
  std::optional<sim::Found> found;  // not a known finding
};

std::optional<sim::Found> Unknown(const std::string& model, std::optional<sim::Found> f) {
  if (f && models::IsKnownFinding(model, f->violation.message)) return std::nullopt;
  return f;
}

// Bounded DPOR, then PCT, collecting coverage; the first violation, shrunk by the explorer.
Outcome Run(const std::string& model, const Workload& w, const std::string& params, bool coverage) {
  Outcome out;
  absl::StatusOr<sim::Target> t = models::MakeDaxTargetFromWorkload(model, w, params);
  if (!t.ok()) return out;
  std::set<uint64_t> points;
  for (const auto& [k, budget] : {std::pair{sim::StrategyKind::kDpor, kDporExecutions},
                                  std::pair{sim::StrategyKind::kPct, kPctExecutions}}) {
    sim::ExploreOptions o;
    o.strategy = k;
    o.preemptions_max = k == sim::StrategyKind::kDpor ? 1 : -1;
    o.budget_executions = budget;
    o.shrink_executions_max = 2000;
    o.sim.coverage = coverage;
    if (t->steps_max > 0) o.sim.steps_max = t->steps_max;
    if (coverage) {
      o.on_execution = [&points](const sim::Sim& sim) {
        points.insert(sim.coverage().begin(), sim.coverage().end());
      };
    }
    const sim::ExploreResult r = sim::Explore(*t, o);
    out.executions += r.executions + r.shrink_executions;
    if (r.first) {
      out.found = r.first;
      break;
    }
  }
  out.coverage.assign(points.begin(), points.end());
  return out;
}

// Smaller workloads that still show the same violation (kind and key), greedily. A candidate
// whose violation is a known finding of the model does not count: the invariant's key alone
// would let the shrink drift from a new violation to a known one.
Workload ShrinkWorkload(const std::string& model, const std::string& params, Workload w,
                        const sim::Found& found, int64_t* executions) {
  for (int round = 0; round < kShrinkRounds; ++round) {
    bool smaller = false;
    for (const Workload& c : props::ShrinkCandidates(w)) {
      Outcome o = Run(model, c, params, false);
      o.found = Unknown(model, o.found);
      *executions += o.executions;
      if (o.found && o.found->violation.kind == found.violation.kind &&
          o.found->violation.key == found.violation.key) {
        w = c;
        smaller = true;
        break;
      }
    }
    if (!smaller) break;
  }
  return w;
}

Candidate Make(const FuzzConfig& c, uint64_t number, const std::vector<Workload>& corpus) {
  sim::Rng rng(sim::MixSeed(c.seed, number));
  Candidate out;
  out.number = number;
  out.model = c.models[number % c.models.size()];
  const std::string name = absl::StrFormat("fuzz%d", number);
  props::GenOptions g;
  g.max_ops = 4;
  if (!corpus.empty() && rng.Uniform(10) < 7) {
    const Workload& parent = corpus[rng.Uniform(static_cast<uint32_t>(corpus.size()))];
    if (std::optional<Workload> m = props::Mutate(parent, rng, g)) {
      out.workload = *std::move(m);
      out.workload.name = name;
      out.mutated = true;
      return out;
    }
  }
  out.workload = props::DrawWorkload(rng, g, name);
  return out;
}

absl::Status WriteWorkload(const std::string& path, const Workload& w) {
  std::ofstream f(path);
  f << models::workload::FormatWorkload(w);
  f.close();
  if (!f) return absl::InvalidArgumentError(path + ": cannot write");
  return absl::OkStatus();
}

// DIR/inflight/MODEL-N.wl: the candidate being explored (removed when its exploration ends).
std::string InflightPath(const FuzzConfig& c, const Candidate& cand) {
  return absl::StrCat(c.corpus_dir, "/inflight/", cand.model, "-", cand.number, ".wl");
}

struct Campaign {
  const FuzzConfig& c;
  std::vector<Workload> corpus;
  std::set<uint64_t> coverage;
  int64_t candidates = 0, executions = 0, added = 0;
  std::vector<std::string> failures;  // one line each: model, workload name, message

  // Merges one explored candidate (in candidate order).
  absl::Status Merge(const Candidate& cand, const Outcome& o) {
    candidates++;
    executions += o.executions;
    size_t fresh = 0;
    for (uint64_t p : o.coverage) fresh += coverage.insert(p).second ? 1 : 0;
    if (fresh > 0) {
      corpus.push_back(cand.workload);
      added++;
      DAXSIM_RETURN_IF_ERROR(WriteWorkload(
          absl::StrFormat("%s/cov-%06d.wl", c.corpus_dir, cand.number), cand.workload));
    }
    if (!o.found) return absl::OkStatus();
    // Saved before shrinking (which may take minutes): the workload as found and its token.
    const std::string dir = c.corpus_dir + "/failures";
    std::error_code ec;
    fsys::create_directories(dir, ec);
    const std::string stem = absl::StrFormat("%s/%s-%06d", dir, cand.model, cand.number);
    DAXSIM_RETURN_IF_ERROR(WriteWorkload(stem + ".found.wl", cand.workload));
    DAXSIM_RETURN_IF_ERROR(AppendTokens(c.failures_path, {o.found->token}));
    int64_t used = 0;
    Workload small = ShrinkWorkload(cand.model, c.params, cand.workload, *o.found, &used);
    executions += used;
    Outcome again = Run(cand.model, small, c.params, false);
    again.found = Unknown(cand.model, again.found);
    const sim::Found& f = again.found ? *again.found : *o.found;
    if (again.found) DAXSIM_RETURN_IF_ERROR(AppendTokens(c.failures_path, {f.token}));
    failures.push_back(absl::StrCat(cand.model, " ", small.name, ": ",
                                    f.violation.message.substr(0, f.violation.message.find('\n'))));
    return WriteWorkload(stem + ".wl", again.found ? small : cand.workload);
  }
};

}  // namespace

int RunFuzz(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<FuzzConfig> c = ParseFuzz(args);
  if (!c.ok()) return ReportError(err, c.status());
  if (c->help) {
    out << FuzzUsage();
    return kExitOk;
  }
  absl::StatusOr<std::vector<Workload>> corpus = LoadCorpus(c->corpus_dir);
  if (!corpus.ok()) return ReportError(err, corpus.status());
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Campaign camp{*c, *std::move(corpus)};
  // The corpus's own coverage first (each entry on the model its position names).
  for (size_t i = 0; i < camp.corpus.size(); ++i) {
    const Outcome o = Run(c->models[i % c->models.size()], camp.corpus[i], c->params, true);
    camp.coverage.insert(o.coverage.begin(), o.coverage.end());
    camp.executions += o.executions;
  }
  const size_t initial = camp.coverage.size();
  err << "fuzz: corpus " << camp.corpus.size() << " workloads, " << initial << " coverage points\n";
  uint64_t number = c->shard.part;
  double last_print = 0;
  absl::Status status;
  while (status.ok() && camp.candidates < c->runs && (c->seconds <= 0 || elapsed() < c->seconds)) {
    std::vector<Candidate> round;
    while (round.size() < kRoundSize &&
           camp.candidates + static_cast<int64_t>(round.size()) < c->runs) {
      round.push_back(Make(*c, number, camp.corpus));
      number += c->shard.parts;
    }
    std::vector<Outcome> outcomes(round.size());
    std::vector<std::thread> threads;
    for (int j = 0; j < c->jobs; ++j) {
      threads.emplace_back([&, j] {
        for (size_t k = static_cast<size_t>(j); k < round.size();
             k += static_cast<size_t>(c->jobs)) {
          // On disk while it runs: a candidate that kills the process (out of memory, a
          // crash) is not lost.
          const std::string inflight = InflightPath(*c, round[k]);
          (void)WriteWorkload(inflight, round[k].workload);
          outcomes[k] = Run(round[k].model, round[k].workload, c->params, true);
          outcomes[k].found = Unknown(round[k].model, outcomes[k].found);
          std::error_code ec;
          fsys::remove(inflight, ec);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    for (size_t j = 0; j < round.size() && status.ok(); ++j) {
      status = camp.Merge(round[j], outcomes[j]);
    }
    if (elapsed() - last_print >= 2 || camp.candidates >= c->runs) {
      last_print = elapsed();
      err << absl::StrFormat(
          "fuzz: %d workloads, %d executions, corpus %d (+%d), coverage %d points (+%d), %d "
          "findings, %.1f s\n",
          camp.candidates, camp.executions, camp.corpus.size(), camp.added, camp.coverage.size(),
          camp.coverage.size() - initial, camp.failures.size(), elapsed());
    }
  }
  if (!status.ok()) return ReportError(err, status);
  if (c->json) {
    JsonObject j;
    j.Add("workloads", camp.candidates).Add("executions", camp.executions);
    j.Add("corpus", static_cast<int64_t>(camp.corpus.size())).Add("added", camp.added);
    j.Add("coverage", static_cast<int64_t>(camp.coverage.size()));
    j.Add("findings", static_cast<int64_t>(camp.failures.size())).Add("wall_s", elapsed());
    out << j.str() << "\n";
  } else {
    out << "workloads: " << camp.candidates << "\nexecutions: " << camp.executions
        << "\ncorpus: " << camp.corpus.size() << " (" << camp.added
        << " added)\ncoverage: " << camp.coverage.size() << " points ("
        << camp.coverage.size() - initial << " new)\nfindings: " << camp.failures.size() << "\n";
    for (const std::string& f : camp.failures) out << "  " << f << "\n";
    if (!camp.failures.empty()) out << "failures file: " << c->failures_path << "\n";
  }
  return camp.failures.empty() ? kExitOk : kExitViolation;
}

}  // namespace daxsim::cli
