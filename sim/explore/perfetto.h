// One execution as Chrome trace-event JSON, the format ui.perfetto.dev ("Open trace file") and
// chrome://tracing read. Needs SimOptions.record_steps and .trace.
//
// Tracks: one process per Actor::group() (the workload's mm), one thread per actor. Time: the
// step index, one step = 1 us on the time axis (events inside a step are spaced by 1 ns, in
// the order they happened). Slices, nested as the actor's function stack was (Sim::Enter):
// a "func" slice for every kernel function from the step it was entered in to the step it
// returned in, and inside them one "step" slice per step, named by its operation and object.
// Instants: each model event of a step ("op" for a workload operation's result, "tracepoint"
// for a kernel trace event such as fs_dax's), and the violation (global, "violation") with its
// message. Flows: "wake" from the step that woke an actor to the woken actor's next step;
// "lock" from a lock's release to its next acquisition by another actor.
#pragma once

#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

std::string FormatPerfetto(const Sim& sim);

}  // namespace daxsim::sim
