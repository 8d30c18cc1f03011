// Shared by the props/dax tests: a target that builds a DAX world (with every property) from a
// workload text on one model, with chosen bug switches, and a bounded DPOR run of it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "models/dax_world/world.h"
#include "props/dax/props.h"
#include "sim/bugs.h"
#include "sim/explore/explorer.h"
#include "sim/fs/personality.h"

namespace daxsim::props::test_target {

// `text` on `model` (xfs, ext4, ext2, xipfs) with `bugs` and up to `alloc_failures` failing
// allocations per actor (the workload's own params line is not read); a workload error fails
// the test.
inline sim::Target WorkloadTarget(const std::string& model, const std::string& text,
                                  BugSet bugs = {}, int alloc_failures = 0) {
  auto w = std::make_shared<models::workload::Workload>();
  absl::StatusOr<models::workload::Workload> parsed = models::workload::ParseWorkload(text, "test");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (parsed.ok()) *w = *parsed;
  models::DaxModelConfig config;
  fs::ParseFsKind(model, &config.fs.kind);
  config.model = model;
  config.bugs = bugs;
  config.fs.bugs = bugs;
  config.alloc_failures = alloc_failures;
  sim::Target t;
  t.name = model + "/" + w->name;
  t.build = [config, w](sim::Sim& sim) -> std::unique_ptr<sim::World> {
    return models::BuildDaxWorld(sim, config, *w);
  };
  return t;
}

inline BugSet With(Bug bug, bool on = true) {
  BugSet bugs;
  bugs.Set(bug, on);
  return bugs;
}

// Bounded DPOR: up to `preemptions`, at most `executions`.
inline sim::ExploreResult Dpor(const sim::Target& t, int preemptions, uint64_t executions) {
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = preemptions;
  o.budget_executions = executions;
  return sim::Explore(t, o);
}

}  // namespace daxsim::props::test_target
