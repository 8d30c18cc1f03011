// The generated phase end to end (issue 11): `daxsim check --suites=generated` with its
// defaults (the seed corpus and 400 workloads drawn from a fixed seed, no library workload)
// comes out clean on the fixed models, and finds every catalog bug when it is switched on
// (exit 1; --fail-fast stops at the first failing item).
#include <gtest/gtest.h>

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

class GeneratedPhase : public ::testing::TestWithParam<models::BugInfo> {};

TEST_P(GeneratedPhase, FindsTheBugWithoutLibraryWorkloads) {
  const models::BugInfo& b = GetParam();
  const Outcome o = Cli({"check", "--suites=generated", "--bug=" + b.name, "--fail-fast",
                         "--failures=" + test_util::TmpPath(b.name + ".txt")});
  EXPECT_EQ(o.code, 1) << b.name << " not found by the generated phase\n"
                       << LastLine(o.out) << o.err;
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
