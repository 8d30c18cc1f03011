// Runs workloads on the real kernel: guest.sh boots Debian 12's Linux 6.1 under qemu with a pmem
// region and the filesystem mounted `-o dax=always`, runs the batch in one boot with the static
// runner (runner.h), and this decodes the runner's records. Where the tools live: next to the
// daxsim binary in its Bazel runfiles (tools/kernel/guest.sh, tools/kernel/daxsim-runner).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/kernel/result.h"

namespace daxsim::kernel {

struct GuestOptions {
  std::string fs;          // "ext4" or "xfs"
  std::string kernel_dir;  // what tools/kernel/setup.sh prepared; "" for the default
  std::string tools_dir;   // holding guest.sh and daxsim-runner; "" to find them in runfiles
  int timeout_s = 300;     // one workload inside the guest
  std::string keep;  // if set, the raw records are copied to this file, the console to FILE.console
};

// $DAXSIM_KERNEL_DIR, else ~/.cache/daxsim/kernel (tools/kernel/setup.sh's default).
std::string DefaultKernelDir();

// The kernel's "package version" line (KERNEL_DIR/VERSION), recorded with every result.
absl::StatusOr<std::string> KernelVersion(const std::string& kernel_dir);

// Boots the guest once for all `workload_paths` (already checked to parse; PATH@N runs that
// workload N times). Progress lines go to stderr. One result per run, in order; a run the guest
// never reached, or whose runner died, comes back with status "error".
absl::StatusOr<std::vector<WorkloadResult>> RunOnKernel(
    const std::vector<std::string>& workload_paths, const GuestOptions& options);

}  // namespace daxsim::kernel
