// Sketches drawn from the project's PRNG (sim/rng.h), for `daxsim fuzz` and `check`'s
// generated phase: the same seed gives the same workloads on every machine.
#include <algorithm>

#include "props/gen/sketch.h"

namespace daxsim::props {

namespace {

int Choice(sim::Rng& rng) { return static_cast<int>(rng.Uniform(kChoices)); }

size_t Count(sim::Rng& rng, size_t lo, size_t hi) {
  return lo + rng.Uniform(static_cast<uint32_t>(hi - lo + 1));
}

OpSketch DrawOp(sim::Rng& rng) {
  OpSketch s;
  s.kind = Choice(rng);
  s.target = Choice(rng);
  s.offset = Choice(rng);
  s.length = Choice(rng);
  s.value = Choice(rng);
  s.extra = Choice(rng);
  return s;
}

}  // namespace

WorkloadSketch DrawSketch(sim::Rng& rng, const GenOptions& options) {
  const GenOptions o = Clamped(options);
  WorkloadSketch w;
  w.swarm = Choice(rng);
  const size_t files = Count(rng, 1, o.max_files);
  for (size_t i = 0; i < files; ++i) {
    FileSketch f;
    f.size = Choice(rng);
    f.pages = Choice(rng);
    f.extent = Choice(rng);
    f.extent_start = Choice(rng);
    f.extent_len = Choice(rng);
    f.fill = Choice(rng);
    w.files.push_back(f);
  }
  // Uniform: measured, favouring two or three actors found fewer catalog bugs (more actors
  // make more contention per workload).
  const size_t actors = Count(rng, o.min_actors, o.max_actors);
  for (size_t i = 0; i < actors; ++i) {
    ActorSketch a;
    a.mm = Choice(rng);
    a.setup = Choice(rng);
    a.setup_mmap = DrawOp(rng);
    const size_t ops = Count(rng, 1, o.max_ops);
    for (size_t j = 0; j < ops; ++j) a.ops.push_back(DrawOp(rng));
    w.actors.push_back(std::move(a));
  }
  return w;
}

models::workload::Workload DrawWorkload(sim::Rng& rng, const GenOptions& options,
                                        const std::string& name) {
  models::workload::Workload w = Realize(DrawSketch(rng, options), options);
  w.name = name;
  return w;
}

}  // namespace daxsim::props
