// Human-readable traces of one execution: a flat step list, a per-actor swimlane, and the
// trace hash the determinism tests compare. Needs SimOptions.record_steps (and .trace for
// model events emitted with Sim::Emit).
#pragma once

#include <cstdint>
#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

// One line per step: "#<step> <actor> <func>: <op> <object> [<access>]", then model events.
std::string FormatTrace(const Sim& sim);
// Columns per actor; each step printed in its actor's column, with operation labels.
std::string FormatSwimlane(const Sim& sim);
// FNV-1a over FormatTrace plus the verdict: equal hashes = byte-identical runs.
uint64_t TraceHash(const Sim& sim);

// Canonical hash of the execution's Mazurkiewicz trace (its Foata normal form under
// Dependent()): two executions get the same hash iff they are equivalent.
uint64_t TraceClassHash(const Sim& sim);

}  // namespace daxsim::sim
