// `daxsim kernel run|diff --fs=ext4|xfs WORKLOAD...`: workloads (library names, files or
// generated) on Debian 12's Linux 6.1 under qemu with pmem and the filesystem mounted
// `-o dax=always` (tools/kernel), all in one boot. `run` prints one JSON line per run: its
// status, every operation's result, the files' sizes at the end, the FIEMAP layout after setup
// and after each operation that may allocate or free, and the fs_dax trace. `diff` compares
// with the model: a sequential workload op by op and event by event (tools/kernel/diff.h), a
// concurrent one by outcome sets (tools/kernel/outcomes.h). Progress on stderr.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "models/workload/library.h"
#include "models/workload/workload.h"
#include "props/gen/sketch.h"
#include "sim/rng.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/json.h"
#include "tools/kernel/diff.h"
#include "tools/kernel/guest.h"
#include "tools/kernel/model_run.h"
#include "tools/kernel/outcomes.h"

namespace daxsim::cli {
namespace {

namespace workload = models::workload;

constexpr char kUsage[] =
    "usage: daxsim kernel run --fs=ext4|xfs [--kernel-dir=DIR] [--timeout=S] [--keep=FILE]\n"
    "                         [--generated=N [--seed=S]] [--save-workloads=DIR] [--repeat=N]\n"
    "                         WORKLOAD...\n"
    "       daxsim kernel diff --fs=ext4|xfs [--kernel-dir=DIR] [--timeout=S] [--keep=FILE]\n"
    "                          [--records=FILE] [--params=k=v,...] [--require=all|ops] [--json]\n"
    "                          [--repeat=N (runs of a concurrent workload, default 1000)]\n"
    "                          [--generated=N [--seed=S]] [--save-workloads=DIR]\n"
    "                          [--pin-addresses (every mmap at the model's address, both sides)]\n"
    "                          WORKLOAD...\n";

// A library name or a workload file.
absl::StatusOr<workload::Workload> Resolve(const std::string& arg) {
  absl::StatusOr<workload::Workload> w = workload::FindWorkload(arg);
  if (w.ok()) return w;
  if (arg.find('/') == std::string::npos && arg.find('.') == std::string::npos) {
    return absl::InvalidArgumentError("unknown workload '" + arg +
                                      "' (daxsim list workloads, or a path to a workload file)");
  }
  return workload::LoadWorkloadFile(arg);
}

std::string OpsJson(const kernel::WorkloadResult& r) {
  JsonArray ops;
  for (const kernel::OpResult& o : r.ops) {
    JsonObject j;
    j.Add("actor", o.actor).Add("op", o.op).Add("line", o.line).Add("result", o.what);
    if (!o.data.empty()) j.Add("data", o.data);
    if (o.addr != 0) j.Add("addr", absl::StrCat("0x", absl::Hex(o.addr)));
    ops.AddRaw(j.str());
  }
  return ops.str();
}

std::string LayoutsJson(const kernel::WorkloadResult& r) {
  JsonArray layouts;
  for (const kernel::Layout& l : r.layouts) {
    JsonArray extents;
    for (const kernel::Extent& e : l.extents) {
      extents.AddRaw(
          absl::StrCat("[", e.logical, ",", e.physical, ",", e.length, ",", e.flags, "]"));
    }
    JsonObject j;
    j.Add("actor", l.actor).Add("op", l.op).Add("file", l.file).AddRaw("extents", extents.str());
    layouts.AddRaw(j.str());
  }
  return layouts.str();
}

std::string ResultJson(const kernel::WorkloadResult& r, const std::string& fs,
                       const std::string& version, const std::vector<std::string>& unmet) {
  JsonObject sizes;
  for (const auto& [file, size] : r.sizes) sizes.Add(file, size);
  JsonArray trace;
  for (const std::string& t : r.trace) {
    std::string s;
    AppendJsonString(&s, t);
    trace.AddRaw(s);
  }
  JsonObject j;
  j.Add("workload", r.workload).Add("fs", fs).Add("kernel", version).Add("status", r.status);
  if (!r.why.empty()) j.Add("why", r.why);
  j.AddRaw("ops", OpsJson(r)).AddRaw("sizes", sizes.str()).AddRaw("layouts", LayoutsJson(r));
  j.AddRaw("trace", trace.str());
  JsonArray u;
  for (const std::string& line : unmet) {
    std::string text;
    AppendJsonString(&text, line);
    u.AddRaw(text);
  }
  j.AddRaw("unmet_expectations", u.str());
  return j.str();
}

// Sequential workloads (one actor) of the whole language but what the kernel cannot be made to
// do here (power failure, media errors, unbind, held pins) and poison (a poisoned pmem page
// stays poisoned for the rest of the boot): seq_SEED_I.
void AddGenerated(int64_t n, uint64_t seed, std::vector<workload::Workload>* out) {
  props::GenOptions g;
  g.min_actors = g.max_actors = 1;
  g.max_ops = 8;
  g.allow_crash = g.allow_errors = g.allow_pins = g.allow_alloc_failures = false;
  sim::Rng rng(seed);
  for (int64_t i = 0; i < n; ++i) {
    out->push_back(props::DrawWorkload(rng, g, absl::StrCat("seq_", seed, "_", i)));
  }
}

// What `kernel run` and `kernel diff` share: flags, the workloads, the guest's results.
struct KernelJob {
  kernel::GuestOptions guest;
  std::string version;
  std::vector<workload::Workload> workloads;
  std::vector<int> repeats;                     // runs of each workload (concurrent ones: --repeat)
  std::vector<kernel::WorkloadResult> results;  // every run, in order
  // The runs of workload i: results[first(i) .. first(i) + repeats[i]).
  size_t first(size_t i) const {
    size_t n = 0;
    for (size_t j = 0; j < i; ++j) n += static_cast<size_t>(repeats[j]);
    return n;
  }
};

// `repeat_default`: runs of a concurrent workload when --repeat is not given.
absl::Status ParseGuestFlags(const ParsedArgs& a, const std::string& command,
                             int64_t repeat_default, KernelJob* job) {
  kernel::GuestOptions& o = job->guest;
  o.fs = a.Get("fs").value_or("");
  if (o.fs != "ext4" && o.fs != "xfs") {
    return absl::InvalidArgumentError(command + " needs --fs=ext4 or --fs=xfs");
  }
  int64_t generated = 0;
  if (auto g = a.Get("generated")) {
    absl::StatusOr<int64_t> v = ParseIntInRange(*g, "--generated", 1, 100000);
    if (!v.ok()) return v.status();
    generated = *v;
  }
  uint64_t seed = 1;
  if (auto v = a.Get("seed")) {
    absl::StatusOr<uint64_t> s = ParseUint64(*v, "--seed");
    if (!s.ok()) return s.status();
    seed = *s;
  }
  if (a.positional().empty() && generated == 0) {
    return absl::InvalidArgumentError(command + " needs a workload or --generated=N");
  }
  if (auto t = a.Get("timeout")) {
    absl::StatusOr<int64_t> v = ParseIntInRange(*t, "--timeout", 1, 86400);
    if (!v.ok()) return v.status();
    o.timeout_s = static_cast<int>(*v);
  }
  o.kernel_dir = a.Get("kernel-dir").value_or(kernel::DefaultKernelDir());
  o.keep = a.Get("keep").value_or("");
  for (const std::string& arg : a.positional()) {
    absl::StatusOr<workload::Workload> w = Resolve(arg);
    if (!w.ok()) return w.status();
    job->workloads.push_back(*std::move(w));
  }
  AddGenerated(generated, seed, &job->workloads);
  int64_t repeat = repeat_default;
  if (auto r = a.Get("repeat")) {
    absl::StatusOr<int64_t> v = ParseIntInRange(*r, "--repeat", 1, 1000000);
    if (!v.ok()) return v.status();
    repeat = *v;
  }
  for (const workload::Workload& w : job->workloads) {
    job->repeats.push_back(w.actors.size() > 1 ? static_cast<int>(repeat) : 1);
  }
  if (auto dir = a.Get("save-workloads")) {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    for (const workload::Workload& w : job->workloads) {
      std::ofstream f(*dir + "/" + w.name + ".wl");
      f << workload::FormatWorkload(w);
      if (!f) return absl::InvalidArgumentError("cannot write " + *dir + "/" + w.name + ".wl");
    }
  }
  return absl::OkStatus();
}

// Boots the guest for the job's workloads (or reads the records a --keep saved).
absl::Status RunGuest(const std::optional<std::string>& records, KernelJob* job) {
  if (records.has_value()) {
    std::ifstream in(*records, std::ios::binary);
    if (!in) return absl::NotFoundError("cannot read " + *records);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<std::vector<kernel::WorkloadResult>> r = kernel::DecodeRecords(text.str());
    if (!r.ok()) return r.status();
    size_t runs = 0;
    for (int n : job->repeats) runs += static_cast<size_t>(n);
    if (r->size() != runs) {
      return absl::InvalidArgumentError(
          absl::StrCat(*records, " holds ", r->size(), " runs for ", runs, " expected"));
    }
    job->results = *std::move(r);
    job->version = "(records " + *records + ")";
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> version = kernel::KernelVersion(job->guest.kernel_dir);
  if (!version.ok()) return version.status();
  job->version = *version;
  char tmpl[] = "/tmp/daxsim-workloads-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  std::vector<std::string> paths;
  for (size_t i = 0; i < job->workloads.size(); ++i) {
    const std::string path = absl::StrCat(tmpl, "/", i, ".wl");
    std::ofstream(path) << workload::FormatWorkload(job->workloads[i]);
    paths.push_back(job->repeats[i] == 1 ? path : absl::StrCat(path, "@", job->repeats[i]));
  }
  absl::StatusOr<std::vector<kernel::WorkloadResult>> r = kernel::RunOnKernel(paths, job->guest);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  if (!r.ok()) return r.status();
  job->results = *std::move(r);
  return absl::OkStatus();
}

int KernelRun(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {{"fs", FlagArg::kRequired},
                                               {"kernel-dir", FlagArg::kRequired},
                                               {"timeout", FlagArg::kRequired},
                                               {"keep", FlagArg::kRequired},
                                               {"generated", FlagArg::kRequired},
                                               {"seed", FlagArg::kRequired},
                                               {"save-workloads", FlagArg::kRequired},
                                               {"repeat", FlagArg::kRequired}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("kernel run", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  KernelJob job;
  if (absl::Status s = ParseGuestFlags(*a, "kernel run", 1, &job); !s.ok())
    return ReportError(err, s);
  if (absl::Status s = RunGuest(std::nullopt, &job); !s.ok()) return ReportError(err, s);
  bool all = true;
  int64_t unmet_total = 0;
  for (size_t i = 0; i < job.workloads.size(); ++i) {
    const size_t end = std::min(job.results.size(), job.first(i) + job.repeats[i]);
    for (size_t k = job.first(i); k < end; ++k) {
      const kernel::WorkloadResult& r = job.results[k];
      const std::vector<std::string> unmet = r.status == "ok"
                                                 ? kernel::UnmetExpectations(job.workloads[i], r)
                                                 : std::vector<std::string>{};
      for (const std::string& line : unmet) err << r.workload << ": " << line << "\n";
      unmet_total += static_cast<int64_t>(unmet.size());
      out << ResultJson(r, job.guest.fs, job.version, unmet) << "\n";
      all &= r.status != "error";
    }
  }
  if (!all) return kExitInternal;
  return unmet_total > 0 ? kExitViolation : kExitOk;
}

// One workload's comparison, as text lines or one JSON object.
struct DiffOutcome {
  std::string verdict;  // "agree", "differ", "skipped: ..."
  kernel::DiffReport report;
  // Concurrent workloads: distinct result vectors the kernel showed, the model allows, both.
  bool outcomes = false;
  int64_t kernel_vectors = 0, model_vectors = 0, shared_vectors = 0;
  bool model_complete = false;
};

// A concurrent workload: every vector the kernel showed must be one the model allows.
DiffOutcome DiffOutcomes(const workload::Workload& w, const kernel::WorkloadResult* runs, int n,
                         const kernel::ModelRunOptions& mo) {
  kernel::OutcomeSet seen;
  for (int i = 0; i < n; ++i) {
    if (runs[i].status != "ok") {
      return {"skipped: kernel " + runs[i].status + (runs[i].why.empty() ? "" : ": " + runs[i].why),
              {}};
    }
    ++seen.vectors[kernel::OutcomeVector(runs[i])];
  }
  absl::StatusOr<kernel::OutcomeSet> allowed =
      kernel::ModelOutcomes(w, mo.model, mo.params, 200000);
  if (!allowed.ok()) return {"skipped: model: " + std::string(allowed.status().message()), {}};
  DiffOutcome d;
  d.outcomes = true;
  d.kernel_vectors = static_cast<int64_t>(seen.vectors.size());
  d.model_vectors = static_cast<int64_t>(allowed->vectors.size());
  d.model_complete = allowed->complete;
  const std::string missing = allowed->complete ? "(not allowed by the model)"
                                                : "(not found by the model's incomplete search)";
  for (const auto& [v, count] : seen.vectors) {
    if (allowed->vectors.count(v)) {
      ++d.shared_vectors;
    } else {
      d.report.ops.push_back(
          {absl::StrCat("outcome seen in ", count, " of ", n, " kernel runs"), v, missing});
    }
  }
  // Only a complete search can say an outcome is not allowed.
  d.verdict = d.report.ops.empty() ? "agree" : allowed->complete ? "differ" : "unconfirmed";
  return d;
}

DiffOutcome DiffOne(const workload::Workload& w, const kernel::WorkloadResult* runs, int n,
                    const kernel::ModelRunOptions& mo) {
  if (w.actors.size() != 1) return DiffOutcomes(w, runs, n, mo);
  const kernel::WorkloadResult& k = runs[0];
  if (k.status != "ok")
    return {"skipped: kernel " + k.status + (k.why.empty() ? "" : ": " + k.why), {}};
  // The model runs on the layout the kernel chose (phys=, place=), so PMD-versus-PTE decisions
  // that depend on where the blocks are come out as the kernel's.
  absl::StatusOr<kernel::WorkloadResult> m = kernel::RunOnModel(kernel::PinLayout(w, k), mo);
  if (!m.ok()) return {"skipped: model: " + std::string(m.status().message()), {}};
  DiffOutcome d{"", kernel::Compare(w, k, *m)};
  d.verdict = d.report.agree() ? "agree" : "differ";
  return d;
}

void PrintDiff(const workload::Workload& w, const DiffOutcome& d, std::ostream& out) {
  out << w.name << ": " << d.verdict;
  if (d.outcomes) {
    out << " (outcomes: kernel " << d.kernel_vectors << ", model " << d.model_vectors
        << (d.model_complete ? " (complete)" : " (search incomplete)") << ", "
        << d.model_vectors - d.shared_vectors << " allowed by the model never seen)";
  } else if (d.verdict == "agree" || d.verdict == "differ") {
    out << " (" << d.report.kernel_events << " kernel events, " << d.report.model_events
        << " model events)";
  }
  out << "\n";
  for (const kernel::Difference& x : d.report.ops) {
    std::string shown = x.kernel;  // an outcome vector is one item per line
    if (!shown.empty() && shown.back() == '\n') shown.pop_back();
    absl::StrReplaceAll({{"\n", "; "}}, &shown);
    out << "  " << x.where << ": kernel " << shown << ", model " << x.model << "\n";
  }
  for (const kernel::Difference& x : d.report.events) {
    out << "  first different " << x.where << ":\n    kernel: " << x.kernel
        << "\n    model:  " << x.model << "\n";
  }
}

std::string DiffJson(const workload::Workload& w, const DiffOutcome& d, const std::string& fs,
                     const std::string& version) {
  auto list = [](const std::vector<kernel::Difference>& xs) {
    JsonArray arr;
    for (const kernel::Difference& x : xs) {
      arr.AddRaw(
          JsonObject().Add("where", x.where).Add("kernel", x.kernel).Add("model", x.model).str());
    }
    return arr.str();
  };
  JsonObject j;
  j.Add("workload", w.name).Add("fs", fs).Add("kernel", version).Add("verdict", d.verdict);
  j.Add("kernel_events", static_cast<int64_t>(d.report.kernel_events));
  j.Add("model_events", static_cast<int64_t>(d.report.model_events));
  j.AddRaw("ops", list(d.report.ops)).AddRaw("events", list(d.report.events));
  if (d.outcomes) {
    j.Add("kernel_outcomes", d.kernel_vectors).Add("model_outcomes", d.model_vectors);
    j.Add("shared_outcomes", d.shared_vectors).Add("model_complete", d.model_complete);
  }
  return j.str();
}

int KernelDiff(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {
      {"fs", FlagArg::kRequired},        {"kernel-dir", FlagArg::kRequired},
      {"timeout", FlagArg::kRequired},   {"keep", FlagArg::kRequired},
      {"records", FlagArg::kRequired},   {"params", FlagArg::kRequired},
      {"generated", FlagArg::kRequired}, {"seed", FlagArg::kRequired},
      {"require", FlagArg::kRequired},   {"save-workloads", FlagArg::kRequired},
      {"repeat", FlagArg::kRequired},    {"json", FlagArg::kNone},
      {"pin-addresses", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("kernel diff", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  KernelJob job;
  if (absl::Status s = ParseGuestFlags(*a, "kernel diff", 1000, &job); !s.ok())
    return ReportError(err, s);
  if (a->Has("pin-addresses")) {  // both sides map at the model's addresses (MAP_FIXED_NOREPLACE)
    for (workload::Workload& w : job.workloads) w = kernel::PinAddresses(w);
  }
  const std::string require = a->Get("require").value_or("all");
  if (require != "all" && require != "ops") {
    return ReportError(err, absl::InvalidArgumentError("--require must be all or ops"));
  }
  const kernel::ModelRunOptions mo{job.guest.fs, a->Get("params").value_or(""), 1};
  if (absl::Status s = RunGuest(a->Get("records"), &job); !s.ok()) return ReportError(err, s);
  int agree = 0, differ = 0, skipped = 0, ops_differ = 0, unconfirmed = 0;
  for (size_t i = 0; i < job.workloads.size(); ++i) {
    const DiffOutcome d = DiffOne(job.workloads[i], &job.results[job.first(i)], job.repeats[i], mo);
    agree += d.verdict == "agree";
    differ += d.verdict == "differ";
    ops_differ += d.verdict == "differ" && !d.report.ops.empty();
    unconfirmed += d.verdict == "unconfirmed";
    skipped += d.verdict.rfind("skipped", 0) == 0;
    if (a->Has("json")) {
      out << DiffJson(job.workloads[i], d, job.guest.fs, job.version) << "\n";
    } else {
      PrintDiff(job.workloads[i], d, out);
    }
  }
  err << "kernel diff (" << job.guest.fs << ", " << job.version << "): " << agree << " agree, "
      << differ << " differ (" << ops_differ << " in results, " << differ - ops_differ
      << " in events only), " << unconfirmed
      << " unconfirmed (kernel outcomes the model's incomplete search did not find), " << skipped
      << " skipped\n";
  const int failing = require == "ops" ? ops_differ : differ;
  return failing == 0 ? kExitOk : kExitViolation;
}

}  // namespace

int RunKernel(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    return ReportError(err, absl::InvalidArgumentError("kernel needs a command (run, diff)"));
  }
  if (args[0] == "help" || args[0] == "--help") {
    out << kUsage;
    return kExitOk;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args[0] == "run") return KernelRun(rest, out, err);
  if (args[0] == "diff") return KernelDiff(rest, out, err);
  return ReportError(
      err, absl::InvalidArgumentError("unknown kernel command '" + args[0] + "' (run, diff)"));
}

}  // namespace daxsim::cli
