// RapidCheck generators of DAX workloads (models/workload/workload.h): small programs of 2-3
// actors over 1-2 files that map, load, store, sync, truncate, punch and pin concurrently. A
// workload is drawn as a *sketch* (plain integers: what RapidCheck shrinks) and realized into a
// Workload that is always valid, whatever the sketch: ops that would name a mapping the actor
// cannot see are dropped, a crash is kept only as an actor's last op, and every range lies
// inside its mapping. ParseWorkload(FormatWorkload(w)) == w for every generated w.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "models/workload/workload.h"

namespace daxsim::props {

struct GenOptions {
  size_t min_actors = 2;      // 1..kActorsMax
  size_t max_actors = 3;      // min_actors..kActorsMax
  size_t max_files = 2;       // 1..kFilesMax
  size_t max_ops = 4;         // per actor, besides its setup mmaps and the unpin after each pin
  bool allow_crash = true;    // a power failure, rarely, as the last op of an actor
  bool allow_sync = true;     // MAP_SYNC mappings
  bool allow_private = true;  // MAP_PRIVATE mappings
  // Pins of MAP_PRIVATE mappings. Off by default (the suites pin shared DAX pages, the case
  // that matters for layouts). This generator found that the model once freed a pinned COW page
  // on a zap; fixed in sim/vm/user.cc and phys_mem.cc.
  bool allow_private_pin = false;
  // Pages of a file's setup extent. Small by default: the linearizability check
  // (props/dax/results.cc) copies every byte of every setup extent into a std::map per
  // execution, so a 1 MiB extent costs ~0.15 s per execution.
  size_t max_extent_pages = 16;
};

// The sketch. Every field is a choice in [0, kChoices) (any int is accepted: it is reduced
// modulo kChoices); 0 is always the simplest option, so shrinking an int moves towards it.
inline constexpr int kChoices = 1000;

struct FileSketch {
  int size = 0;          // which size: small, page multiple, 2 MiB, ... (weighted)
  int pages = 0;         // for "random" sizes
  int extent = 0;        // none, written or unwritten
  int extent_start = 0;  // first page (biased to 0)
  int extent_len = 0;    // pages (biased to the rest of the file, up to max_extent_pages)
  int fill = 0;          // a written extent's byte
};

// One op; the fields' meaning depends on `kind` (file ops read `target` as the file, map ops
// as the mapping among those the actor sees, mmap as the file).
struct OpSketch {
  int kind = 0;    // store, load, mmap, write, read, fsync, ... (weighted)
  int target = 0;  // file or mapping
  int offset = 0;  // offset choice (biased: 0, page boundaries, EOF - 1 page, 2 MiB)
  int length = 0;  // length choice
  int value = 0;   // stored byte
  int extra = 0;   // mmap: shared/private/sync; others: a random page for "random" offsets
};

struct ActorSketch {
  int mm = 0;           // (1:1) its own process, or a thread of the first actor's process
  int setup = 0;        // (1:3) none, or a leading mmap (`setup_mmap`), a setup mapping
  OpSketch setup_mmap;  // read as an mmap
  std::vector<OpSketch> ops;
};

struct WorkloadSketch {
  std::vector<FileSketch> files;
  std::vector<ActorSketch> actors;
};

// Generators of the sketch. They do not depend on RapidCheck's size parameter: every test
// case draws from the whole distribution (the workload's size is bounded by `options`).
rc::Gen<FileSketch> GenFileSketch();
rc::Gen<OpSketch> GenOpSketch();
rc::Gen<ActorSketch> GenActorSketch(const GenOptions& options);
rc::Gen<WorkloadSketch> GenWorkloadSketch(const GenOptions& options);

// A valid workload for any sketch (files: f, g, ...; actors T1, T2, ...; mappings m1, m2, ...).
// `options` gates crash, MAP_SYNC, MAP_PRIVATE, private pins and bounds extents.
models::workload::Workload Realize(const WorkloadSketch& sketch, const GenOptions& options);
models::workload::FileSetup RealizeFile(const FileSketch& sketch, const std::string& name,
                                        const GenOptions& options);

// GenWorkloadSketch mapped through Realize: shrinks structurally (fewer actors, fewer ops,
// simpler choices) and every shrunk value is valid.
rc::Gen<models::workload::Workload> GenWorkload(const GenOptions& options = {});
// One valid file setup named `name` (sizes biased to 0, 4K, 8K, 12K, 2M and page multiples).
rc::Gen<models::workload::FileSetup> GenFileSetup(const std::string& name,
                                                  const GenOptions& options = {});

// Op counts, for RC_CLASSIFY and for picking workloads.
size_t CountOps(const models::workload::Workload& w, models::workload::OpCode code);

}  // namespace daxsim::props

namespace daxsim::models::workload {
// RapidCheck prints a counterexample's generated values with showValue (found by ADL): a
// workload shows as its canonical text.
void showValue(const Workload& w, std::ostream& os);
}  // namespace daxsim::models::workload
