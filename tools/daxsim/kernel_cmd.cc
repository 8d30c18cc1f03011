// `daxsim kernel run --fs=ext4|xfs WORKLOAD...`: runs workloads (library names or files) on
// Debian 12's Linux 6.1 under qemu with pmem and the filesystem mounted `-o dax=always`
// (tools/kernel), all in one boot, and prints one JSON line per workload: its status, every
// operation's result, the files' sizes at the end, the FIEMAP layout after setup and after each
// operation that may allocate or free, and the fs_dax trace. Progress on stderr.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "models/workload/library.h"
#include "models/workload/workload.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/json.h"
#include "tools/kernel/guest.h"

namespace daxsim::cli {
namespace {

namespace workload = models::workload;

constexpr char kUsage[] =
    "usage: daxsim kernel run --fs=ext4|xfs [--kernel-dir=DIR] [--timeout=S] [--keep=FILE] "
    "WORKLOAD...\n";

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
      extents.AddRaw(absl::StrCat("[", e.logical, ",", e.physical, ",", e.length, ",", e.flags,
                                  "]"));
    }
    JsonObject j;
    j.Add("actor", l.actor).Add("op", l.op).Add("file", l.file).AddRaw("extents", extents.str());
    layouts.AddRaw(j.str());
  }
  return layouts.str();
}

std::string ResultJson(const kernel::WorkloadResult& r, const std::string& fs,
                       const std::string& version) {
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
  return j.str();
}

// The workloads as canonical files in a fresh directory (what the guest copies in).
absl::StatusOr<std::vector<std::string>> WriteWorkloads(const std::vector<std::string>& args,
                                                        std::string* dir) {
  char tmpl[] = "/tmp/daxsim-workloads-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  *dir = tmpl;
  std::vector<std::string> paths;
  for (const std::string& arg : args) {
    absl::StatusOr<workload::Workload> w = Resolve(arg);
    if (!w.ok()) return w.status();
    const std::string path = absl::StrCat(*dir, "/", paths.size(), ".wl");
    std::ofstream(path) << workload::FormatWorkload(*w);
    paths.push_back(path);
  }
  return paths;
}

int KernelRun(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {{"fs", FlagArg::kRequired},
                                               {"kernel-dir", FlagArg::kRequired},
                                               {"timeout", FlagArg::kRequired},
                                               {"keep", FlagArg::kRequired}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("kernel run", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  kernel::GuestOptions o;
  o.fs = a->Get("fs").value_or("");
  if (o.fs != "ext4" && o.fs != "xfs") {
    return ReportError(err, absl::InvalidArgumentError("kernel run needs --fs=ext4 or --fs=xfs"));
  }
  if (a->positional().empty()) {
    return ReportError(err, absl::InvalidArgumentError("kernel run needs at least one workload"));
  }
  if (auto t = a->Get("timeout")) {
    absl::StatusOr<int64_t> v = ParseIntInRange(*t, "--timeout", 1, 86400);
    if (!v.ok()) return ReportError(err, v.status());
    o.timeout_s = static_cast<int>(*v);
  }
  o.kernel_dir = a->Get("kernel-dir").value_or(kernel::DefaultKernelDir());
  o.keep = a->Get("keep").value_or("");
  absl::StatusOr<std::string> version = kernel::KernelVersion(o.kernel_dir);
  if (!version.ok()) return ReportError(err, version.status());
  std::string dir;
  absl::StatusOr<std::vector<std::string>> paths = WriteWorkloads(a->positional(), &dir);
  absl::StatusOr<std::vector<kernel::WorkloadResult>> results =
      paths.ok() ? kernel::RunOnKernel(*paths, o) : paths.status();
  std::error_code ec;
  if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  if (!results.ok()) return ReportError(err, results.status());
  bool all = true;
  for (const kernel::WorkloadResult& r : *results) {
    out << ResultJson(r, o.fs, *version) << "\n";
    all &= r.status != "error";
  }
  return all ? kExitOk : kExitInternal;
}

}  // namespace

int RunKernel(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    return ReportError(err, absl::InvalidArgumentError("kernel needs a command (run)"));
  }
  if (args[0] == "help" || args[0] == "--help") {
    out << kUsage;
    return kExitOk;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args[0] == "run") return KernelRun(rest, out, err);
  return ReportError(err, absl::InvalidArgumentError("unknown kernel command '" + args[0] +
                                                     "' (run)"));
}

}  // namespace daxsim::cli
