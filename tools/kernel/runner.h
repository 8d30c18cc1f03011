// The runner: executes one workload (models/workload) on a real kernel, on the filesystem
// mounted at a directory, with real system calls, and records what the user saw (result.h).
// It runs inside the qemu guest (tools/kernel/runner_main.cc, linked static) and also on the
// host against any directory (tmpfs, a plain filesystem) for quick tests.
//
// Execution model, as the workload language defines it: the files are created first (written
// extents by pwrite(2) of their fill, unwritten ones by fallocate(2), then ftruncate(2) to the
// size and fsync(2)); each distinct `mm` is a forked process; each actor a thread of its
// process. A process performs its actors' setup mmaps (the leading mmaps, in actor order)
// before any actor starts; then every actor of every process is released at once through a
// process-shared barrier and runs its operations in program order. Loads and stores are plain
// CPU accesses to the mapping; SIGBUS and SIGSEGV are caught per access and become the result.
// Operations the kernel cannot be made to do here (a power failure, a media error on an
// emulated e820 region, unbind, held DMA pins) make the workload "unsupported" before anything
// runs.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "models/workload/workload.h"
#include "tools/kernel/result.h"

namespace daxsim::kernel {

struct RunOptions {
  std::string dir;           // where the files are created (the DAX mount)
  std::string tracefs;       // e.g. "/sys/kernel/tracing": its `trace` is cleared before the actors
                             // start and read after; "" for no trace
  bool fiemap = true;        // record layouts (a filesystem without FIEMAP records none)
  bool require_dax = false;  // fail unless statx reports STATX_ATTR_DAX on every file
  // The pmem namespace whose nd_pmem driver `unbind` detaches ("namespace0.0": written to
  // /sys/bus/nd/drivers/nd_pmem/unbind); "" makes unbind unsupported (the host, tests).
  std::string unbind;
};

// Why the runner cannot run `w` here ("" if it can): its first unsupported op.
std::string Unsupported(const models::workload::Workload& w, const RunOptions& options = {});

// Runs `w`. Errors are the runner's own failures (cannot create a file, fork, ...); what the
// workload's operations return, signals included, are results.
absl::StatusOr<WorkloadResult> RunWorkload(const models::workload::Workload& w,
                                           const RunOptions& options);

}  // namespace daxsim::kernel
