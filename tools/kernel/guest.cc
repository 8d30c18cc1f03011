// The host side of a kernel run: find the guest tools, run guest.sh, decode its records.
#include "tools/kernel/guest.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace daxsim::kernel {
namespace {

namespace fs = std::filesystem;

// tools/kernel in the runfiles of the running binary (bazel-bin/tools/daxsim/daxsim.runfiles/
// daxsim/tools/kernel), or in the source tree for a binary run from the workspace.
absl::StatusOr<std::string> FindTools() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path runfiles = fs::path(exe.string() + ".runfiles") / "daxsim" / "tools" / "kernel";
    if (fs::exists(runfiles / "guest.sh", ec) && fs::exists(runfiles / "daxsim-runner", ec)) {
      return runfiles.string();
    }
  }
  return absl::FailedPreconditionError(
      "cannot find tools/kernel/guest.sh and daxsim-runner in daxsim's runfiles (build it with "
      "bazel and run bazel-bin/tools/daxsim/daxsim)");
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::Status Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) {
    return absl::InternalError(absl::StrCat("cannot run ", argv[0]));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
    return absl::FailedPreconditionError("guest.sh refused its arguments (see above)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("the guest did not run the batch to the end (see above)");
  }
  return absl::OkStatus();
}

}  // namespace

std::string DefaultKernelDir() {
  if (const char* d = std::getenv("DAXSIM_KERNEL_DIR"); d != nullptr && *d != '\0') return d;
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr ? home : "/root", "/.cache/daxsim/kernel");
}

absl::StatusOr<std::string> KernelVersion(const std::string& kernel_dir) {
  absl::StatusOr<std::string> v = ReadFile(kernel_dir + "/VERSION");
  if (!v.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no kernel in ", kernel_dir, " (run: bash tools/kernel/setup.sh)"));
  }
  return std::string(absl::StripAsciiWhitespace(*v));
}

absl::StatusOr<std::vector<WorkloadResult>> RunOnKernel(const std::vector<std::string>& paths,
                                                        const GuestOptions& o) {
  const std::string kdir = o.kernel_dir.empty() ? DefaultKernelDir() : o.kernel_dir;
  absl::StatusOr<std::string> version = KernelVersion(kdir);
  if (!version.ok()) return version.status();
  absl::StatusOr<std::string> tools = o.tools_dir.empty() ? FindTools() : o.tools_dir;
  if (!tools.ok()) return tools.status();
  char tmpl[] = "/tmp/daxsim-kernel-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  const std::string out = std::string(tmpl) + "/records.txt";
  std::vector<std::string> argv = {"/bin/bash",
                                   *tools + "/guest.sh",
                                   "--fs=" + o.fs,
                                   "--kernel-dir=" + kdir,
                                   "--runner=" + *tools + "/daxsim-runner",
                                   "--out=" + out,
                                   absl::StrCat("--timeout=", o.timeout_s)};
  argv.insert(argv.end(), paths.begin(), paths.end());
  absl::Status ran = Spawn(argv);
  absl::StatusOr<std::string> text = ReadFile(out);
  if (text.ok() && !o.keep.empty()) std::ofstream(o.keep, std::ios::binary) << *text;
  if (!o.keep.empty()) {  // the guest's console (oopses, stuck-task stacks) beside the records
    std::error_code cec;
    fs::copy_file(out + ".console", o.keep + ".console", fs::copy_options::overwrite_existing, cec);
  }
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  if (!ran.ok()) return ran;
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<WorkloadResult>> results = DecodeRecords(*text);
  if (!results.ok()) return results.status();
  // Runs the guest never reached (PATH@N asks for N).
  size_t expected = 0;
  for (const std::string& p : paths) {
    const size_t at = p.rfind('@');
    expected += at == std::string::npos ? 1 : std::stoul(p.substr(at + 1));
  }
  while (results->size() < expected) {
    WorkloadResult missing;
    missing.workload = "(not reached)";
    missing.status = "error";
    missing.why = "the guest did not reach this run";
    results->push_back(missing);
  }
  return results;
}

}  // namespace daxsim::kernel
