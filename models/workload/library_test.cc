// The named workload library: every entry parses, agrees with its table row, round-trips
// through the canonical text, stays small, and FindWorkload resolves names.
#include "models/workload/library.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_split.h"

namespace daxsim::models::workload {
namespace {

TEST(Library, EveryWorkloadParsesAndRoundTrips) {
  ASSERT_GE(Workloads().size(), 14);
  std::set<std::string> names;
  for (const NamedWorkload& nw : Workloads()) {
    SCOPED_TRACE(nw.name);
    EXPECT_TRUE(names.insert(nw.name).second) << "duplicate name";
    EXPECT_FALSE(nw.source.empty());
    EXPECT_NE(std::find(SuiteNames().begin(), SuiteNames().end(), nw.suite), SuiteNames().end())
        << nw.name << " has no suite";
    const absl::StatusOr<Workload> w = ParseWorkload(nw.text, nw.name);
    ASSERT_TRUE(w.ok()) << w.status();
    EXPECT_EQ(w->name, nw.name);
    EXPECT_EQ(w->description, nw.description);
    EXPECT_GE(w->actors.size(), 1);
    const std::vector<std::string> lines = absl::StrSplit(nw.text, '\n', absl::SkipEmpty());
    if (nw.suite != "scale") {         // the scale family grows with its N on purpose
      EXPECT_LE(w->actors.size(), 4);  // small enough for DPOR bounded to 2 preemptions
      EXPECT_LE(lines.size(), 14);
    }
    const absl::StatusOr<Workload> again = ParseWorkload(FormatWorkload(*w), "canonical");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(*again, *w);
  }
}

TEST(Library, ParamsLineTravelsWithTheWorkload) {
  const absl::StatusOr<Workload> w = FindWorkload("pmd_vs_n_pte_faults_2");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->params, "wait_bits=1");
  EXPECT_EQ(w->actors.size(), 3);
  EXPECT_NE(FormatWorkload(*w).find("\nparams wait_bits=1\n"), std::string::npos);
}

TEST(Library, FindWorkload) {
  const absl::StatusOr<Workload> w = FindWorkload("fault_vs_truncate");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->actors.size(), 2);
  EXPECT_EQ(w->actors[1].ops[0].code, OpCode::kTruncate);
  const absl::StatusOr<Workload> missing = FindWorkload("no_such_workload");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no workload named 'no_such_workload'");
}

}  // namespace
}  // namespace daxsim::models::workload
