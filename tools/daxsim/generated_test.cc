// The generated phase end to end (issue 11): `daxsim check --suites=generated` with its
// defaults (the seed corpus and 100 workloads drawn from a fixed seed, no library workload)
// comes out clean on the fixed models, and finds each catalog bug listed here when it is
// switched on (exit 1; --fail-fast stops at the first failing item). The bugs it does not find
// yet are listed in kNotYet (README "The generated phase and `daxsim fuzz`" says why); they are
// skipped, since each would cost a whole generated phase.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/bugs/catalog.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/test_util.h"

namespace daxsim::cli {
namespace {

using test_util::Cli;
using test_util::LastLine;
using test_util::Outcome;

const std::vector<std::string> kNotYet = {"invalidate_wake_next", "no_layout_break",
                                          "pmd_pte_collision", "populate_hole"};

bool NotYet(const std::string& bug) {
  return std::find(kNotYet.begin(), kNotYet.end(), bug) != kNotYet.end();
}

class GeneratedPhase : public ::testing::TestWithParam<models::BugInfo> {};

TEST_P(GeneratedPhase, FindsTheBugWithoutLibraryWorkloads) {
  const models::BugInfo& b = GetParam();
  if (NotYet(b.name)) {
    // Not run in CI (each costs a whole generated phase, ~90 s on 2 cores); `daxsim check
    // --suites=generated --bug=NAME` shows whether it is still not found.
    GTEST_SKIP() << b.name << " is not found by the generated phase yet (README)";
  } else {
    const Outcome o = Cli({"check", "--suites=generated", "--bug=" + b.name, "--fail-fast",
                           "--failures=" + test_util::TmpPath(b.name + ".txt")});
    EXPECT_EQ(o.code, 1) << b.name << " not found by the generated phase\n"
                         << LastLine(o.out) << o.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, GeneratedPhase, ::testing::ValuesIn(models::Bugs()),
                         [](const ::testing::TestParamInfo<models::BugInfo>& info) {
                           return info.param.name;
                         });

TEST(GeneratedPhase, CleanOnTheFixedModels) {
  const Outcome o =
      Cli({"check", "--suites=generated", "--failures=" + test_util::TmpPath("fixed.txt")});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
}

}  // namespace
}  // namespace daxsim::cli
