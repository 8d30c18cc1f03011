// Behaviour of the kernel-style primitives under scripted and exhaustive schedules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/sync/completion.h"
#include "sim/sync/mutex.h"
#include "sim/sync/rwsem.h"
#include "sim/sync/spinlock.h"
#include "sim/sync/wait_queue.h"

namespace daxsim::sim {
namespace {

// Runs actors in the order of a script of actor names; falls back to the first enabled.
class Scripted : public Strategy {
 public:
  explicit Scripted(std::vector<std::string> order) : order_(std::move(order)) {}
  ActorId PickActor(const Sim& sim) override {
    while (next_ < order_.size()) {
      const std::string& want = order_[next_++];
      for (ActorId a : sim.enabled()) {
        if (sim.actor(a).name() == want) return a;
      }
      refused_.push_back(want);
    }
    return sim.enabled().front();
  }
  int PickChoice(const Sim&, int, const char*) override { return choice_; }
  std::vector<std::string> refused_;
  int choice_ = 0;

 private:
  std::vector<std::string> order_;
  size_t next_ = 0;
};

Task<void> Reader(Sim& sim, RwSem* s, std::vector<std::string>* log, std::string name) {
  co_await s->DownRead();
  log->push_back(name + "+r");
  co_await sim.Point("work", {});
  co_await s->UpRead();
}

Task<void> Writer(Sim& sim, RwSem* s, std::vector<std::string>* log, std::string name) {
  co_await s->DownWrite();
  log->push_back(name + "+w");
  co_await s->UpWrite();
}

TEST(RwSemTest, QueuedWriterBlocksNewReaders) {
  Sim sim;
  RwSem sem(sim, "sem");
  std::vector<std::string> log;
  sim.Spawn("R1", Reader(sim, &sem, &log, "R1"));
  sim.Spawn("W", Writer(sim, &sem, &log, "W"));
  sim.Spawn("R2", Reader(sim, &sem, &log, "R2"));
  // R1 takes it, W queues, R2 arrives: R2 must queue behind W (Linux fairness).
  Scripted s({"R1", "W", "R2", "R2", "R1", "R1", "W", "W", "R2"});
  sim.Run(s);
  ASSERT_TRUE(sim.completed()) << sim.violation().message;
  EXPECT_EQ(log, (std::vector<std::string>{"R1+r", "W+w", "R2+r"}));
  EXPECT_EQ(s.refused_, (std::vector<std::string>{"R2"}));  // R2 was blocked when asked
}

Task<void> RecursiveReader(Sim& sim, RwSem* s) {
  co_await s->DownRead();
  co_await sim.Point("work", {});
  co_await s->DownRead();  // deadlocks if a writer queued in between
  co_await s->UpRead();
  co_await s->UpRead();
}

TEST(RwSemTest, RecursiveReadWithQueuedWriterDeadlocks) {
  Sim sim(SimOptions{.lockdep = false});
  RwSem sem(sim, "sem");
  std::vector<std::string> log;
  sim.Spawn("R", RecursiveReader(sim, &sem));
  sim.Spawn("W", Writer(sim, &sem, &log, "W"));
  Scripted s({"R", "W", "R", "R"});
  sim.Run(s);
  EXPECT_EQ(sim.violation().kind, ViolationKind::kDeadlock);
  EXPECT_NE(sim.violation().message.find("wait-for cycle"), std::string::npos)
      << sim.violation().message;
}

struct Flag {
  int value = 0;
  ObjectId id;
};

Task<void> Waiter(Sim& sim, WaitQueue* wq, Flag* f, bool exclusive, uint64_t key, int* woke) {
  co_await wq->WaitEvent(
      {f->id, Access::kRead}, [f] { return f->value != 0; }, exclusive, key);
  ++*woke;
}

Task<void> Waker(Sim& sim, WaitQueue* wq, Flag* f, int nr, uint64_t key, int* woken) {
  co_await sim.Point("set flag", {f->id, Access::kWrite});
  f->value = 1;
  *woken = co_await wq->WakeUp(nr, key);
}

TEST(WaitQueueTest, WakeUpOneWakesOneExclusiveWaiter) {
  Sim sim;
  WaitQueue wq(sim, "wq");
  Flag f{0, sim.NewObject("flag")};
  int woke = 0, woken = 0;
  for (const char* n : {"A", "B", "C"}) sim.Spawn(n, Waiter(sim, &wq, &f, true, kAnyKey, &woke));
  sim.Spawn("K", Waker(sim, &wq, &f, 1, kAnyKey, &woken));
  // Every waiter: prepare_to_wait, check, schedule; then K sets and wakes one.
  Scripted s({"A", "A", "A", "B", "B", "B", "C", "C", "C", "K", "K"});
  sim.Run(s);
  EXPECT_EQ(woken, 1);
  // Only one waiter was woken: the others sleep on a true condition -> lost wake-up.
  EXPECT_EQ(sim.violation().kind, ViolationKind::kLostWakeup) << sim.violation().message;
}

TEST(WaitQueueTest, WakeAllWakesEveryWaiter) {
  Sim sim;
  WaitQueue wq(sim, "wq");
  Flag f{0, sim.NewObject("flag")};
  int woke = 0, woken = 0;
  for (const char* n : {"A", "B", "C"}) sim.Spawn(n, Waiter(sim, &wq, &f, true, kAnyKey, &woke));
  sim.Spawn("K", Waker(sim, &wq, &f, 0, kAnyKey, &woken));
  Scripted s({"A", "A", "A", "B", "B", "B", "C", "C", "C", "K", "K"});
  sim.Run(s);
  EXPECT_TRUE(sim.completed()) << sim.violation().message;
  EXPECT_EQ(woken, 3);
  EXPECT_EQ(woke, 3);
}

TEST(WaitQueueTest, KeyedWakeSkipsOtherKeysInTheSameQueue) {
  Sim sim;
  WaitQueue wq(sim, "wq");
  Flag f{0, sim.NewObject("flag")};
  int woke = 0, woken = 0;
  sim.Spawn("A", Waiter(sim, &wq, &f, true, /*key=*/7, &woke));
  sim.Spawn("B", Waiter(sim, &wq, &f, true, /*key=*/9, &woke));
  sim.Spawn("K", Waker(sim, &wq, &f, 1, /*key=*/9, &woken));
  Scripted s({"A", "A", "A", "B", "B", "B", "K", "K"});
  sim.Run(s);
  EXPECT_EQ(woken, 1);
  EXPECT_FALSE(wq.Queued(1));  // B was woken and removed
  EXPECT_TRUE(wq.Queued(0) || sim.violation().found());
}

TEST(WaitTableTest, BucketsCollide) {
  Sim sim;
  WaitTable table(sim, "wait_table", 2);
  // With 4 buckets, among 5 keys two must share a bucket (and so a queue).
  int collisions = 0;
  for (uint64_t a = 1; a < 6; ++a) {
    for (uint64_t b = a + 1; b < 6; ++b) {
      if (&table.Bucket(a) == &table.Bucket(b)) collisions++;
    }
  }
  EXPECT_GT(collisions, 0);
  EXPECT_EQ(WaitTable::Hash(0x1234, 12), WaitTable::Hash(0x1234, 12));
  EXPECT_LT(WaitTable::Hash(~0ULL, 12), 4096u);
}

Task<void> CompletionWaiter(Sim& sim, Completion* c, int* done) {
  co_await c->Wait();
  ++*done;
}

Task<void> Completer(Sim& sim, Completion* c) { co_await c->Complete(); }

TEST(CompletionTest, WaitBlocksUntilComplete) {
  Sim sim;
  Completion c(sim, "done");
  int done = 0;
  sim.Spawn("W", CompletionWaiter(sim, &c, &done));
  sim.Spawn("C", Completer(sim, &c));
  Scripted s({"W", "C", "W"});
  sim.Run(s);
  EXPECT_TRUE(sim.completed());
  EXPECT_EQ(s.refused_, (std::vector<std::string>{"W"}));
  EXPECT_EQ(done, 1);
}

Task<void> SpinThenSleep(Sim& sim, Spinlock* s, Mutex* m) {
  co_await s->Lock();
  co_await m->Lock();
  co_await m->Unlock();
  co_await s->Unlock();
}

TEST(SpinlockTest, SleepingUnderSpinlockIsReported) {
  Sim sim;
  Spinlock s(sim, "spin");
  Mutex m(sim, "mutex");
  sim.Spawn("A", SpinThenSleep(sim, &s, &m));
  Scripted st({});
  sim.Run(st);
  EXPECT_EQ(sim.violation().kind, ViolationKind::kSleepInAtomic);
}

Task<void> NaiveWaiter(Sim& sim, WaitQueue* wq, Flag* f) {
  // No loop: correct only if wake-ups are never spurious.
  co_await wq->PrepareToWait(false);
  co_await sim.Point("check", {f->id, Access::kRead});
  if (f->value == 0) co_await sim.Schedule(wq->id());
  co_await sim.Point("use", {f->id, Access::kRead});
  DAXSIM_ASSERT(sim, f->value != 0, "woken without the flag");
}

TEST(SpuriousWakeupTest, IsAnExplorableChoice) {
  for (int spurious : {0, 1}) {
    Sim sim(SimOptions{.spurious_wakeups = spurious});
    WaitQueue wq(sim, "wq");
    Flag f{0, sim.NewObject("flag")};
    int woken = 0;
    sim.Spawn("A", NaiveWaiter(sim, &wq, &f));
    sim.Spawn("K", Waker(sim, &wq, &f, 1, kAnyKey, &woken));
    Scripted s({"A", "A", "A", "A", "K", "K"});
    s.choice_ = 1;  // take the spurious wake-up when offered
    sim.Run(s);
    if (spurious == 0) {
      EXPECT_TRUE(sim.completed()) << sim.violation().message;
    } else {
      EXPECT_EQ(sim.violation().kind, ViolationKind::kAssertion);
    }
  }
}

Task<void> LockAndExit(Sim& sim, Mutex* m) { co_await m->Lock(); }
Task<void> UnlockOnly(Sim& sim, Mutex* m) {
  co_await sim.Point("wait", {});
  co_await m->Unlock();
}
Task<void> LockUnlock(Sim& sim, Mutex* m) {
  co_await m->Lock();
  co_await m->Unlock();
}

TEST(LockMisuseTest, ExitHoldingALockIsReported) {
  Sim sim;
  Mutex m(sim, "m");
  sim.Spawn("A", LockAndExit(sim, &m));
  Scripted s({});
  sim.Run(s);
  EXPECT_EQ(sim.violation().kind, ViolationKind::kLockMisuse);
  EXPECT_NE(sim.violation().message.find("lock held when returning"), std::string::npos);
}

TEST(LockMisuseTest, UnlockByNonOwnerIsReportedBalancedUseIsNot) {
  {
    Sim sim;
    Mutex m(sim, "m");
    sim.Spawn("A", LockUnlock(sim, &m));
    sim.Spawn("B", UnlockOnly(sim, &m));
    Scripted s({"A", "B", "B"});
    sim.Run(s);
    EXPECT_EQ(sim.violation().kind, ViolationKind::kLockMisuse);
  }
  {
    Sim sim;
    Mutex m(sim, "m");
    sim.Spawn("A", LockUnlock(sim, &m));
    sim.Spawn("B", LockUnlock(sim, &m));
    Scripted s({});
    sim.Run(s);
    EXPECT_TRUE(sim.completed()) << sim.violation().message;
  }
}

}  // namespace
}  // namespace daxsim::sim
