// Workload sketches: a workload drawn as plain integer choices (what RapidCheck shrinks, and
// what `daxsim fuzz` and `check`'s generated phase draw from their seeded PRNG), and the
// realization of any sketch into a valid workload of the full language: 1-5 actors in 1-3
// processes over 1-2 files; map, load, store (page-crossing too), clwb+sfence, msync,
// MADV_DONTNEED, munmap, pins, poison, read/write(2), fsync, truncate (down, up, to partial
// pages), fallocate, punch, zero-range (partial pages too), media errors, scrub, unbind,
// crash; shared, private, MAP_SYNC and read-only mappings, PMD-sized ones at aligned and
// unaligned offsets. Offsets are biased to page, PMD and EOF boundaries. Swarm testing (Groce
// et al., ISSTA 2012): a sketch's `swarm` choice leaves out a random subset of operation kinds,
// so that workloads differ in what they do, not only in where.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/workload/workload.h"
#include "sim/rng.h"

namespace daxsim::props {

struct GenOptions {
  size_t min_actors = 1;      // 1..kActorsMax
  size_t max_actors = 5;      // min_actors..kActorsMax
  size_t max_files = 2;       // 1..kFilesMax
  size_t max_ops = 4;         // per actor, besides its setup mmaps and the unpin after each pin
  bool allow_crash = true;    // a power failure, rarely, as the last op of an actor
  bool allow_sync = true;     // MAP_SYNC mappings
  bool allow_private = true;  // MAP_PRIVATE mappings
  bool allow_errors = true;   // poison, media errors, scrub, unbind
  bool allow_pins = true;     // pin/unpin pairs (held DMA pins)
  bool allow_alloc_failures = true;  // some swarms explore failing allocations (alloc_failures)
  bool allow_swarm = true;           // a sketch's `swarm` choice may leave out operation kinds
  // ... and switch shape features on (threads, huge, private, holes, narrow, focus: realize.cc).
  bool allow_shapes = true;
  // Pins of MAP_PRIVATE mappings. Off by default (the suites pin shared DAX pages, the case
  // that matters for layouts). This generator found that the model once freed a pinned COW page
  // on a zap; fixed in sim/vm/user.cc and phys_mem.cc.
  bool allow_private_pin = false;
  // Pages of a file's setup extent. Small by default: the linearizability check
  // (props/dax/results.cc) copies every byte of every setup extent into a std::map per
  // execution, so a 1 MiB extent costs ~0.15 s per execution.
  size_t max_extent_pages = 16;
};

// Ops read per actor sketch: with a pin's unpin each, a setup mmap and a crash, the realized
// actor stays under kOpsPerActorMax.
inline constexpr size_t kSketchOpsMax = 30;

// `options` with every bound in range (actors 1..kActorsMax, files 1..kFilesMax, ops
// 1..kSketchOpsMax).
GenOptions Clamped(GenOptions options);

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
  int mm = 0;           // its own process, or a thread of T1's or T2's process
  int setup = 0;        // (1:3) none, or a leading mmap (`setup_mmap`), a setup mapping
  OpSketch setup_mmap;  // read as an mmap
  std::vector<OpSketch> ops;
};

struct WorkloadSketch {
  int swarm = 0;  // 0: every operation kind; otherwise a seed of the kinds left out
  std::vector<FileSketch> files;
  std::vector<ActorSketch> actors;
};

// A valid workload for any sketch (files: f, g, ...; actors T1, T2, ...; mappings m1, m2, ...).
// `options` gates crash, MAP_SYNC, MAP_PRIVATE, private pins, errors and bounds extents.
models::workload::Workload Realize(const WorkloadSketch& sketch, const GenOptions& options);
models::workload::FileSetup RealizeFile(const FileSketch& sketch, const std::string& name,
                                        const GenOptions& options);

// A sketch drawn from `rng`: min..max actors, 1..max_files files, 1..max_ops ops per actor,
// every choice uniform (the realization weights them).
WorkloadSketch DrawSketch(sim::Rng& rng, const GenOptions& options);
// DrawSketch then Realize, named `name`.
models::workload::Workload DrawWorkload(sim::Rng& rng, const GenOptions& options,
                                        const std::string& name = "generated");

// Op counts, for RC_CLASSIFY and for picking workloads.
size_t CountOps(const models::workload::Workload& w, models::workload::OpCode code);

}  // namespace daxsim::props
