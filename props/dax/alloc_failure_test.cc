// Allocation failure (the alloc_failures model parameter, sim::Sim::FailAlloc): an XArray node
// allocation that fails in grab_mapping_entry() is retried after xas_nomem() and, if that fails
// too, is VM_FAULT_OOM: a user access faults again, get_user_pages returns ENOMEM. The nrpages
// invariant fails on a model that counts the entry before the store succeeded (test-only
// switch Bug::kTestNrpagesBeforeStore) only when failures are explored; the fixed models
// explore clean with them.
#include <cstring>
#include <string>

#include "models/dax_world/test_world.h"
#include "props/dax/test_target.h"
#include "sim/explore/simple.h"

namespace daxsim::props {
namespace {

using test_target::Dpor;
using test_target::With;
using test_target::WorkloadTarget;

// The lowest enabled actor; a choice labelled `fail` (an allocation) fails, others do not.
class FailOnly : public sim::Strategy {
 public:
  explicit FailOnly(std::vector<std::string> fail) : fail_(std::move(fail)) {}
  sim::ActorId PickActor(const sim::Sim& sim) override { return sim.enabled().front(); }
  int PickChoice(const sim::Sim&, int n, const char* label) override {
    for (const std::string& f : fail_) {
      if (f == label) return n - 1;
    }
    return 0;
  }

 private:
  std::vector<std::string> fail_;
};

struct FailingRun {
  sim::Sim sim{sim::SimOptions{.trace = true}};
  std::unique_ptr<sim::World> world;
  FailingRun(const std::string& text, int alloc_failures, std::vector<std::string> fail) {
    const sim::Target t = WorkloadTarget("xfs", text, {}, alloc_failures);
    world = t.build(sim);
    FailOnly s(std::move(fail));
    sim.Run(s);
  }
  bool Emitted(const std::string& needle) const { return models::test_world::Emitted(sim, needle); }
};

// The PTE table exists (the load), so the store's fault reaches grab_mapping_entry(), whose
// node allocation and xas_nomem() both fail: VM_FAULT_OOM, the store faults again (the budget
// of two spent) and lands. No violation: expect= holds, nrpages adds up.
TEST(AllocFailure, AnOomFaultIsRetriedByTheUserAccess) {
  FailingRun r(R"(workload oom_store
file f size=8K
actor A
  mmap m f len=8K
  load m 0 len=8 expect=0
  store m 0x1000 len=8 val=0x11
  load m 0x1000 len=8 expect=0x11
)",
               2, {"xas_alloc GFP_NOWAIT", "xas_nomem"});
  EXPECT_FALSE(r.sim.violation().found()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("dax_pte_fault_done")) << "no PTE fault";
  EXPECT_TRUE(r.Emitted("pgoff 0x1 OOM")) << "no VM_FAULT_OOM";
}

// get_user_pages: faultin_page()'s VM_FAULT_OOM is -ENOMEM (vm_fault_to_errno()); the next pin
// (the budget spent) succeeds.
TEST(AllocFailure, AnOomFaultFailsAPinWithEnomem) {
  FailingRun r(R"(workload oom_pin
file f size=8K
actor A
  mmap m f len=8K
  load m 0 len=8 expect=0
  pin m 0x1000 len=4K expect=ENOMEM
  pin m 0x1000 len=4K expect=ok
  unpin m 0x1000 len=4K
)",
               2, {"xas_alloc GFP_NOWAIT", "xas_nomem"});
  EXPECT_FALSE(r.sim.violation().found()) << r.sim.violation().message;
}

// Only the node allocation under the lock fails: xas_nomem() preallocates, the retry stores
// with it, and the fault maps the page (no OOM).
TEST(AllocFailure, XasNomemRetriesWithThePreallocatedNode) {
  FailingRun r(R"(workload nomem_retry
file f size=8K
actor A
  mmap m f len=8K
  load m 0 len=8 expect=0
  store m 0x1000 len=8 val=0x11
)",
               1, {"xas_alloc GFP_NOWAIT"});
  EXPECT_FALSE(r.sim.violation().found()) << r.sim.violation().message;
  EXPECT_FALSE(r.Emitted(" OOM")) << "the retry should have stored the entry";
  EXPECT_TRUE(r.Emitted("pgoff 0x1 MAJOR|NOPAGE"));
}

constexpr const char* kTwoFaults = R"(workload nomem_faults
file f size=4M written=0-2M fill=0xaa
actor A
  mmap m f len=4M
  load m 0x200000 len=8           # a PMD zero-page entry over the hole at 2M
  store m 0x201000 len=8 val=0x11 # its downgrade, then a PTE entry's node
actor B
  mmap n f len=4M
  store n 0x1000 len=8 val=0x22
  truncate f 0x1000
)";

TEST(AllocFailure, NrpagesCountedBeforeTheStoreIsCaughtOnlyWithFailures) {
  const BugSet bug = With(Bug::kTestNrpagesBeforeStore);
  const sim::ExploreResult found = Dpor(WorkloadTarget("xfs", kTwoFaults, bug, 1), 1, 20000);
  ASSERT_TRUE(found.first.has_value());
  EXPECT_NE(found.first->violation.message.find("nrpages"), std::string::npos)
      << found.first->violation.message;
  const sim::ExploreResult unseen = Dpor(WorkloadTarget("xfs", kTwoFaults, bug, 0), 1, 20000);
  EXPECT_FALSE(unseen.first.has_value()) << unseen.first->violation.message;
  EXPECT_TRUE(unseen.complete);
}

TEST(AllocFailure, FixedModelsExploreCleanWithFailures) {
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    const sim::ExploreResult r = Dpor(WorkloadTarget(model, kTwoFaults, {}, 1), 1, 20000);
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
    EXPECT_TRUE(r.complete) << model;
  }
}

}  // namespace
}  // namespace daxsim::props
