// Human-readable traces of one execution: a flat step list, a per-actor swimlane, and the
// trace hash the determinism tests compare. Needs SimOptions.record_steps (and .trace for
// model events emitted with Sim::Emit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

// One line per step: "#<step> <actor> <func>: <op> <object> [<access>]", then model events.
std::string FormatTrace(const Sim& sim);
// Columns per actor; each step printed in its actor's column, with operation labels. Every
// column is as wide as its longest label (nothing is cut) unless `width` > 0 asks for lines of
// about that many characters: then every column is cut alike (labels end in '~'), none below 12.
std::string FormatSwimlane(const Sim& sim, size_t width = 0);
// The model's kernel trace events (Sim::Emit texts of the form "event: fields") in the text format
// of /sys/kernel/tracing/trace: "<actor>-<pid> [cpu] ..... <secs>.<usecs>: event: fields", with
// the actor's name as the task, pid 1000 + actor, cpu = actor % 2, and the step number as the
// timestamp in microseconds (deterministic). Only events named with a '_' before ':' qualify
// (tracepoint names); user-visible results and step labels are not kernel events.
std::string FormatFtrace(const Sim& sim);
// Whether a model event's text is a kernel trace event ("name: fields" with a '_' in the name).
bool IsKernelTraceEvent(const std::string& text);
// FNV-1a over FormatTrace plus the verdict: equal hashes = byte-identical runs.
uint64_t TraceHash(const Sim& sim);

// Canonical hash of the execution's Mazurkiewicz trace (its Foata normal form under
// Dependent()): two executions get the same hash iff they are equivalent.
uint64_t TraceClassHash(const Sim& sim);

}  // namespace daxsim::sim
