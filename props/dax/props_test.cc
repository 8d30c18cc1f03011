// Every property family catches its bug class and stays silent on the correct model: for each
// family, a catalog bug (models/bugs) switched on makes DPOR report a violation of that family
// (with at most 2 preemptions after shrinking, and a token that replays it), and the same
// workload on the correct model explores without a violation (complete up to 2 preemptions).
#include <gtest/gtest.h>

#include <string>

#include "models/bugs/catalog.h"
#include "models/dax_world/target.h"
#include "models/workload/workload.h"
#include "sim/explore/explorer.h"
#include "sim/explore/token.h"

namespace daxsim::props {
namespace {

struct Family {
  const char* family;
  const char* model;
  const char* workload;
  const char* bug;
  const char* expect;  // substring of the violation message (or kind for engine detections)
};

const Family kFamilies[] = {
    {"mapping coherence", "xfs", "fault_vs_punch", "punch_fault_race", "I1 stale mapping"},
    {"mapping coherence (EOF)", "xfs", "cow_fault_vs_truncate", "cow_truncate_race",
     "I2 mapping beyond EOF"},
    {"entry tree", "xfs", "pmd_fault_vs_pte_fault", "pmd_over_ptes",
     "I2 mapping without its entry"},
    {"locking and wake-ups", "xfs", "fsyncs_wait_vs_truncate", "invalidate_wake_next",
     "lost-wakeup"},
    {"locking (entry protocol)", "xipfs", "two_write_faults_hole", "populate_nolock",
     "dax_unlock_entry"},
    {"write tracking", "xfs", "pfn_mkwrite_vs_fsync", "mkwrite_unlocked",
     "I5 writable mapping over a clean entry"},
    {"zeroing and exposure", "xfs", "read_fault_hole_then_write", "unzeroed_new_blocks",
     "I6 unzeroed block exposed"},
    {"zeroing and exposure (zero page)", "xfs", "write_vs_read_fault_hole", "write_zero_page_race",
     "I7 zero page"},
    {"pins", "xfs", "pin_vs_truncate", "no_layout_break", "I8 block"},
    {"durability", "xfs", "invalidate_dirty_entry", "invalidate_dirty", "durability"},
    // The reader unmaps at the end, so only the values it read can tell (not I7).
    {"user-visible results", "xipfs", R"(workload hole_read_then_unmap
file f size=4K
actor R
  mmap m f len=4K ro
  load m 0 len=8
  load m 0 len=8
  munmap m
actor W
  write f 0 len=8 val=0x22
  read f 0 len=8 expect=0x22
)",
     "populate_hole", "linearizability"},
};

class PropertyFamily : public ::testing::TestWithParam<Family> {};

sim::ExploreResult Explore(const Family& f, const std::string& params, int bound) {
  const std::string workload = f.workload;
  absl::StatusOr<sim::Target> t;
  if (workload.rfind("workload ", 0) == 0) {
    absl::StatusOr<models::workload::Workload> w =
        models::workload::ParseWorkload(workload, "props_test");
    EXPECT_TRUE(w.ok()) << w.status();
    t = models::MakeDaxTargetFromWorkload(f.model, *w, params);
  } else {
    t = models::MakeDaxTarget(f.model, workload, params);
  }
  EXPECT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = bound;
  o.budget_executions = 100000;
  return sim::Explore(*t, o);
}

TEST_P(PropertyFamily, BrokenModelViolatesIt) {
  const Family& f = GetParam();
  // With the parameters of the kernel the bug lived in (models/bugs: e.g. locked_entries=2).
  const std::string era = models::FindBug(f.bug)->params;
  const sim::ExploreResult r =
      Explore(f, std::string("bug_") + f.bug + "=1" + (era.empty() ? "" : "," + era), 2);
  ASSERT_TRUE(r.first.has_value()) << f.family << ": " << r.executions << " executions";
  const std::string what = std::string(sim::ViolationKindName(r.first->violation.kind)) + " " +
                           r.first->violation.message;
  EXPECT_NE(what.find(f.expect), std::string::npos) << f.family << ": " << what;
  EXPECT_LE(r.first->preemptions, 2);
  absl::StatusOr<sim::Token> tok = sim::DecodeToken(r.first->token);
  ASSERT_TRUE(tok.ok());
  absl::StatusOr<sim::Target> again = models::DaxTargetFromToken(tok->target, tok->params);
  ASSERT_TRUE(again.ok()) << again.status();
  sim::Sim replay;
  ASSERT_TRUE(
      sim::Replay(*again, sim::SimOptions{.steps_max = tok->steps_max}, tok->decisions, &replay)
          .ok());
  EXPECT_EQ(replay.violation().Signature(), r.first->violation.Signature());
}

TEST_P(PropertyFamily, CorrectModelDoesNot) {
  const Family& f = GetParam();
  const sim::ExploreResult r = Explore(f, "", 2);
  EXPECT_FALSE(r.first.has_value()) << f.family << ": " << r.first->violation.message;
  EXPECT_TRUE(r.complete) << f.family << ": " << r.executions << " executions";
}

INSTANTIATE_TEST_SUITE_P(Families, PropertyFamily, ::testing::ValuesIn(kFamilies));

}  // namespace
}  // namespace daxsim::props
