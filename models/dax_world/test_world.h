// Shared by the DAX world tests: parse a workload text and run it once (lowest enabled actor
// first, fixed choice) on a built world, with the trace kept for assertions.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "models/dax_world/configs.h"
#include "models/dax_world/target.h"
#include "models/dax_world/world.h"
#include "models/workload/workload.h"
#include "sim/explore/explorer.h"
#include "sim/explore/simple.h"

namespace daxsim::models::test_world {

inline workload::Workload Parse(const std::string& text) {
  absl::StatusOr<workload::Workload> w = workload::ParseWorkload(text, "test");
  EXPECT_TRUE(w.ok()) << w.status();
  return *w;
}

// Whether some model event of the run (Sim::Emit, options.trace) contains `needle`.
inline bool Emitted(const sim::Sim& sim, const std::string& needle) {
  for (const auto& e : sim.trace()) {
    if (e.text.find(needle) != std::string::npos) return true;
  }
  return false;
}

struct WorldRun {
  sim::Sim sim{sim::SimOptions{.trace = true}};
  workload::Workload w;
  std::unique_ptr<DaxWorld> world;
  WorldRun(const DaxModelConfig& config, const std::string& text, int choice = 0) : w(Parse(text)) {
    world = BuildDaxWorld(sim, config, w);
    sim::FirstEnabled s(choice);
    sim.Run(s);
  }
  explicit WorldRun(const std::string& text, int choice = 0)
      : WorldRun(DaxModelConfig{}, text, choice) {}
  bool Emitted(const std::string& needle) const { return test_world::Emitted(sim, needle); }
};

// Bounded DPOR (up to `preemptions`, the explorer's default budget) over a workload text on
// `model` with `params`; a workload or target error fails the test and gives an empty result.
inline sim::ExploreResult ExploreDpor(const std::string& model, const std::string& text,
                                      int preemptions, const std::string& params = "") {
  const workload::Workload w = Parse(text);
  absl::StatusOr<sim::Target> t = MakeDaxTargetFromWorkload(model, w, params);
  EXPECT_TRUE(t.ok()) << t.status();
  if (!t.ok()) return {};
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = preemptions;
  return sim::Explore(*t, o);
}

// Bounded DPOR on `model` finds a violation whose message contains `substring`, and the
// violation is one of the model's known findings (models/dax_world/known_findings).
inline void ExpectKnownFinding(const std::string& model, const std::string& text, int preemptions,
                               const std::string& substring) {
  const sim::ExploreResult r = ExploreDpor(model, text, preemptions);
  ASSERT_TRUE(r.first.has_value()) << model << ": no violation";
  EXPECT_NE(r.first->violation.message.find(substring), std::string::npos)
      << model << ": " << r.first->violation.message;
  EXPECT_TRUE(IsKnownFinding(model, r.first->violation.message))
      << model << ": " << r.first->violation.message;
}

// Bounded DPOR on `model` with `params` completes without a violation.
inline void ExpectClean(const std::string& model, const std::string& text, int preemptions,
                        const std::string& params = "") {
  const sim::ExploreResult r = ExploreDpor(model, text, preemptions, params);
  EXPECT_TRUE(r.complete) << model << " " << params;
  EXPECT_FALSE(r.first.has_value()) << model << " " << params << ": " << r.first->violation.message;
}

}  // namespace daxsim::models::test_world
