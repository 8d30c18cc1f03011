// Comparing a workload's result on the real kernel with the model's (result.h): per operation
// exactly (result and bytes; mmap addresses are left out: the model places every mapping on a
// 2 MiB boundary, the kernel congruent to the file offset), the files' sizes exactly, and the
// fs_dax event streams after masking what differs between runs and machines: the task's pid,
// CPU, irq-flags column and timestamp, device and inode numbers, PFNs, entries and hashed
// pointers; addresses become mapping-relative ("m+0x1000", by the actor's process).
#pragma once

#include <string>
#include <vector>

#include "models/workload/workload.h"
#include "tools/kernel/result.h"

namespace daxsim::kernel {

struct Difference {
  std::string where;  // "T1 op 3 (line 7: load m 0x1000 len=8)", "size of f", "event 4"
  std::string kernel, model;
};

struct DiffReport {
  std::vector<Difference> ops;     // operations and sizes
  std::vector<Difference> events;  // the first diverging event only (streams differ after it)
  size_t kernel_events = 0, model_events = 0;
  bool agree() const { return ops.empty() && events.empty(); }
};

// One masked event: "T1 dax_pte_fault: dev * ino * shared WRITE|... address m+0x1000 pgoff 0x1".
std::vector<std::string> MaskedEvents(const models::workload::Workload& w, const WorkloadResult& r);

DiffReport Compare(const models::workload::Workload& w, const WorkloadResult& kernel,
                   const WorkloadResult& model);

// `w` with the physical layout the kernel run shows pinned (result.h's FIEMAP layouts): each
// setup extent split where the kernel's after-setup layout splits it and pinned with phys=;
// every other extent any later layout shows becomes a place= of its file (the first layout to
// show a file page decides it). Device offsets past workload::kPhysMax are left to the model.
models::workload::Workload PinLayout(const models::workload::Workload& w,
                                     const WorkloadResult& kernel);

// Every mmap without addr= gets a fixed address (addr=) where the model would place it, each
// in fresh PMD slots of its mm with a free slot after it, congruent to its file offset as
// thp_get_unmapped_area() makes it (vm::ThpColour). Run on both sides (`kernel diff
// --pin-addresses`), the kernel's PMD attempts no longer depend on what else the runner has
// mapped next to a small mapping. Unchanged if the mappings do not fit in the window.
models::workload::Workload PinAddresses(const models::workload::Workload& w);

// The workload's expectations a run did not meet (expect=VALUE on the bytes a load or read
// returned, expect=SIGBUS|ERRNO|ok, ret=N, size's expect=N), one line each:
// "T1 op 3 (line 9): got SIGBUS, expected ok". Ops that did not run are not judged.
std::vector<std::string> UnmetExpectations(const models::workload::Workload& w,
                                           const WorkloadResult& r);

}  // namespace daxsim::kernel
