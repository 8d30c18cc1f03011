// daxsim-runner: runs workload files on the filesystem mounted at --dir with real system calls
// and prints each one's result as record lines (result.h). Linked static: it runs as is inside
// the qemu guest's initramfs. Exit: 0 when every workload ran (or was unsupported), 2 on bad
// arguments or an unreadable workload, 1 when the runner itself failed on a workload (its
// records then carry status "error").
//
//   daxsim-runner --dir=/mnt [--tracefs=/sys/kernel/tracing] [--no-fiemap] [--require-dax]
//                 [--unbind=NAMESPACE] [--repeat=N] [--out=FILE] WORKLOAD.wl...
// --unbind=namespace0.0 lets `unbind` detach that namespace from nd_pmem (once per workload:
// its repeated runs report unbind unsupported).
//
// --repeat=N runs each workload N times in a row (files made afresh each time), one result
// each: the runs a concurrent workload's outcome set is observed from.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "models/workload/workload.h"
#include "tools/kernel/result.h"
#include "tools/kernel/runner.h"

namespace {

bool HasUnbind(const daxsim::models::workload::Workload& w) {
  for (const auto& a : w.actors) {
    for (const auto& op : a.ops) {
      if (op.code == daxsim::models::workload::OpCode::kUnbind) return true;
    }
  }
  return false;
}

int Usage(const std::string& why) {
  std::cerr << "daxsim-runner: " << why << "\nusage: daxsim-runner --dir=DIR [--tracefs=DIR] "
            << "[--no-fiemap] [--require-dax] [--unbind=NAMESPACE] [--repeat=N] [--out=FILE] "
               "WORKLOAD.wl...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  daxsim::kernel::RunOptions o;
  std::string out_path;
  int repeat = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (absl::StartsWith(a, "--dir=")) {
      o.dir = a.substr(6);
    } else if (absl::StartsWith(a, "--tracefs=")) {
      o.tracefs = a.substr(10);
    } else if (a == "--no-fiemap") {
      o.fiemap = false;
    } else if (absl::StartsWith(a, "--unbind=")) {
      o.unbind = a.substr(9);
    } else if (a == "--require-dax") {
      o.require_dax = true;
    } else if (absl::StartsWith(a, "--repeat=")) {
      repeat = std::atoi(a.c_str() + 9);
      if (repeat < 1 || repeat > 1000000) return Usage("--repeat must be 1..1000000");
    } else if (absl::StartsWith(a, "--out=")) {
      out_path = a.substr(6);
    } else if (absl::StartsWith(a, "--")) {
      return Usage(absl::StrCat("unknown flag ", a));
    } else {
      files.push_back(a);
    }
  }
  if (o.dir.empty()) return Usage("--dir is required");
  if (files.empty()) return Usage("no workload");
  std::vector<daxsim::models::workload::Workload> workloads;
  for (const std::string& f : files) {
    absl::StatusOr<daxsim::models::workload::Workload> w =
        daxsim::models::workload::LoadWorkloadFile(f);
    if (!w.ok()) {
      std::cerr << "daxsim-runner: " << w.status().message() << "\n";
      return 2;
    }
    workloads.push_back(*std::move(w));
  }
  std::FILE* out = out_path.empty() ? stdout : std::fopen(out_path.c_str(), "a");
  if (out == nullptr) return Usage(absl::StrCat("cannot open ", out_path));
  int rc = 0;
  for (const auto& w : workloads) {
    for (int run = 0; run < repeat; ++run) {
      const std::string begin = daxsim::kernel::EncodeBegin(w.name);
      std::fwrite(begin.data(), 1, begin.size(), out);
      std::fflush(out);
      // Repeated runs are for outcomes: the first one's trace and layouts stand for all.
      daxsim::kernel::RunOptions ro = o;
      if (run > 0) {
        ro.tracefs.clear();
        ro.fiemap = false;
      }
      // A run that unbinds the device leaves it unbound: the guest rebinds it and makes the
      // filesystem afresh between workloads, not between runs.
      if (run > 0 && HasUnbind(w)) ro.unbind.clear();
      absl::StatusOr<daxsim::kernel::WorkloadResult> r = daxsim::kernel::RunWorkload(w, ro);
      if (!r.ok()) {
        daxsim::kernel::WorkloadResult failed;
        failed.workload = w.name;
        failed.status = "error";
        failed.why = std::string(r.status().message());
        r = failed;
        rc = 1;
      }
      const std::string text = daxsim::kernel::EncodeBody(*r);
      std::fwrite(text.data(), 1, text.size(), out);
      std::fflush(out);
    }
  }
  return rc;
}
