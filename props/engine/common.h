// Helpers shared by the engine validation suites.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "models/registry.h"
#include "sim/explore/explorer.h"

namespace daxsim::props {

inline sim::Target Scenario(const std::string& name, const std::string& params = "") {
  absl::StatusOr<sim::Target> t = models::MakeScenario(name, params);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

inline sim::ExploreOptions Options(sim::StrategyKind k, int64_t executions = 0) {
  sim::ExploreOptions o;
  o.strategy = k;
  o.budget_executions = executions;
  return o;
}

}  // namespace daxsim::props
