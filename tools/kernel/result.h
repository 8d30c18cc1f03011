// What one workload did on a real kernel: every operation's result, the files' sizes at the end,
// the physical layout (FIEMAP) after setup and after each operation that may allocate, and the
// `fs_dax` trace of the run. The in-guest runner (runner.h) produces it; it crosses the serial
// line as record lines (EncodeRecords / DecodeRecords), one record per line, so a batch of
// workloads from one boot is one text stream that survives a runner that dies mid-workload.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace daxsim::kernel {

// One operation's result, as the user saw it.
struct OpResult {
  std::string actor;
  int op = 0;         // index in the actor's ops (setup mmaps included)
  int line = 0;       // the op's line in the workload file
  std::string what;   // "ok", "ret=N", "err=ENAME", "SIGBUS", "SIGSEGV"
  std::string data;   // loads and reads: the bytes, run-length encoded ("0x11*8,0x00*4088")
  uint64_t addr = 0;  // mmap: the address the kernel chose (0 otherwise)
  friend bool operator==(const OpResult&, const OpResult&) = default;
};

// One FIEMAP extent (struct fiemap_extent): byte offsets in the file and on the device.
struct Extent {
  uint64_t logical = 0, physical = 0, length = 0;
  uint32_t flags = 0;  // FIEMAP_EXTENT_*: 0x800 UNWRITTEN, 0x1 LAST, ...
  friend bool operator==(const Extent&, const Extent&) = default;
};

// A file's extents after an operation (actor "" and op -1: after setup).
struct Layout {
  std::string actor;
  int op = -1;
  std::string file;
  std::vector<Extent> extents;
  friend bool operator==(const Layout&, const Layout&) = default;
};

struct WorkloadResult {
  std::string workload;
  std::string status = "ok";  // "ok"; "unsupported" (an op the kernel cannot be made to do
                              // here, e.g. a power failure); "error" (the runner failed)
  std::string why;            // unsupported or error: one line
  std::vector<OpResult> ops;  // actor order, then op order; setup mmaps included
  std::vector<Layout> layouts;
  std::vector<std::pair<std::string, uint64_t>> sizes;  // i_size of each file at the end
  std::vector<std::string> trace;  // fs_dax lines of /sys/kernel/tracing/trace, as printed
  friend bool operator==(const WorkloadResult&, const WorkloadResult&) = default;
};

// The record lines of one result, each starting with kRecordPrefix (the console may carry
// other lines; only these are read back).
inline constexpr absl::string_view kRecordPrefix = "@@dx ";
std::string EncodeRecords(const WorkloadResult& result);
// The same in two parts: the begin record (written before the workload runs, so a runner that
// dies leaves a workload without an end record) and the rest.
std::string EncodeBegin(absl::string_view workload);
std::string EncodeBody(const WorkloadResult& result);

// Every result in `text` (other lines are skipped). A workload whose records stop before its
// end record (the runner died) comes back with status "error". Malformed records: an error.
absl::StatusOr<std::vector<WorkloadResult>> DecodeRecords(absl::string_view text);

// Run-length encoding of bytes: "0x11*8,0x00*4088"; "" for no bytes.
std::string EncodeBytes(const uint8_t* bytes, size_t n);

}  // namespace daxsim::kernel
