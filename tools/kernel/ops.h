// The runner's operations: each workload op as the system calls and CPU accesses a user
// program makes, its result written to a slot of memory shared by the runner's processes.
// Internal to tools/kernel (runner.cc drives it).
#pragma once

#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/workload/workload.h"

namespace daxsim::kernel::internal {

inline constexpr size_t kDataMax = 3072;   // run-length text of a load's or read's bytes
inline constexpr size_t kExtentsMax = 64;  // FIEMAP extents kept per layout

// One op's result, in MAP_SHARED anonymous memory (written by the actor's process, read by
// the coordinator after the processes exit). Plain data only.
struct Slot {
  enum Kind : int32_t { kNotRun, kOk, kRet, kErr, kSigbus, kSigsegv, kNoMap, kSize };
  Kind kind = kNotRun;
  int64_t value = 0;  // kRet: the return value; kErr: errno; kSize: st_size
  uint64_t addr = 0;  // mmap
  char data[kDataMax] = {};
  int32_t layout_extents = -1;            // -1: no layout recorded after this op
  uint64_t extents[kExtentsMax][4] = {};  // logical, physical, length, flags
};

struct MapInfo {
  uint8_t* base = nullptr;
  uint64_t length = 0;
  std::string file;
};

// A read pin held: the pipe the pinned pages were vmspliced into (see RunPin in ops.cc).
struct HeldPin {
  std::string map;
  uint64_t offset = 0, length = 0;
  int pipe[2] = {-1, -1};  // a read pin: vmsplice(2)'s pipe
  int ring = -1;           // a long-term pin: the io_uring its buffer is registered with
};

// What one actor's ops see: the workload's files (open O_RDWR, shared by every process) and
// the mappings it may name (its process's setup mappings, then its own).
struct ActorContext {
  const std::map<std::string, int>* fds = nullptr;
  std::map<std::string, MapInfo> maps;
  bool fiemap = true;
  // The workload's barriers (process-shared pthread barriers in the runner's shared memory).
  std::map<std::string, pthread_barrier_t*> barriers;
  std::string unbind;         // RunOptions::unbind
  std::vector<HeldPin> pins;  // this actor's read pins, oldest first
};

// Runs `op`, writing its result (and, after an op that may allocate or free, the file's
// FIEMAP layout) into `slot`.
void RunOp(const models::workload::Op& op, ActorContext& ctx, Slot* slot);

// The actor ends: the pins it still holds are released (their pipes closed), as the model
// releases them when an actor ends.
void ReleasePins(ActorContext& ctx);

// Installs the SIGBUS/SIGSEGV handlers the guarded accesses rely on (once per process).
void InstallSignalHandlers();

// FIEMAP of `fd` into `slot` (flags 0: no writeback is started). False if unsupported.
bool RecordLayout(int fd, Slot* slot);

}  // namespace daxsim::kernel::internal
