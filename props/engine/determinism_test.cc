// Determinism: the same seed gives the same trace, byte for byte; a token replays to the same
// trace; results do not depend on thread timing.
#include <set>

#include "props/engine/common.h"
#include "sim/explore/random.h"
#include "sim/explore/trace.h"

namespace daxsim::props {
namespace {

uint64_t RunSeed(const sim::Target& t, uint64_t seed, std::string* token) {
  sim::RandomStrategy s(seed, -1, sim::Partition{});
  s.BeginExecution();
  sim::Sim sim(sim::SimOptions{.trace = true});
  auto world = t.build(sim);
  sim.Run(s);
  if (token != nullptr) {
    *token = sim::EncodeToken(sim::MakeToken(t.name, t.params, sim.options(), sim.decisions()));
  }
  return sim::TraceHash(sim);
}

TEST(Determinism, ThousandSeedsTwiceGiveIdenticalTraces) {
  for (const char* name : {"lastzero", "prodcons", "lock_order_fixed", "indexer"}) {
    const sim::Target t = Scenario(name);
    std::set<uint64_t> distinct;
    for (uint64_t seed = 0; seed < 1000; ++seed) {
      const uint64_t a = RunSeed(t, seed, nullptr);
      ASSERT_EQ(a, RunSeed(t, seed, nullptr)) << name << " seed " << seed;
      distinct.insert(a);
    }
    // The seeds really explore different schedules (the check could fail).
    const std::string n(name);
    if (n == "lastzero" || n == "prodcons") {
      EXPECT_GT(distinct.size(), 3u) << name;
    }
  }
}

TEST(Determinism, TokenReplaysToTheSameTrace) {
  const sim::Target t = Scenario("lastzero", "n=3");
  for (uint64_t seed = 0; seed < 50; ++seed) {
    std::string token;
    const uint64_t h = RunSeed(t, seed, &token);
    absl::StatusOr<sim::Token> d = sim::DecodeToken(token);
    ASSERT_TRUE(d.ok()) << d.status();
    sim::Sim replay;
    ASSERT_TRUE(sim::Replay(t, sim::SimOptions{.trace = true}, d->decisions, &replay).ok());
    EXPECT_EQ(sim::TraceHash(replay), h);
  }
}

TEST(Determinism, ReplayDivergenceSaysWhereAndWhat) {
  const sim::Target t = Scenario("lastzero", "n=2");
  std::string token;
  RunSeed(t, 3, &token);
  absl::StatusOr<sim::Token> d = sim::DecodeToken(token);
  ASSERT_TRUE(d.ok());
  d->decisions[2].label = "no such operation";
  sim::Sim replay;
  const absl::Status s = sim::Replay(t, sim::SimOptions{}, d->decisions, &replay);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("step 2"), std::string::npos) << s;
  EXPECT_NE(s.message().find("'no such operation'"), std::string::npos) << s;
}

TEST(Determinism, JobsDoNotChangeTheAnswer) {
  const sim::Target t = Scenario("canary");
  for (sim::StrategyKind k : {sim::StrategyKind::kRandom, sim::StrategyKind::kPct,
                              sim::StrategyKind::kDfs, sim::StrategyKind::kDpor}) {
    sim::ExploreOptions o = Options(k, 2000);
    const sim::ExploreResult one = sim::Explore(t, o);
    ASSERT_TRUE(one.first.has_value());
    for (int jobs : {2, 3}) {
      for (int rep = 0; rep < 3; ++rep) {
        o.jobs = jobs;
        const sim::ExploreResult many = sim::Explore(t, o);
        ASSERT_TRUE(many.first.has_value());
        if (k == sim::StrategyKind::kRandom || k == sim::StrategyKind::kPct) {
          // Same executions (by index) whatever the thread count: identical answer.
          EXPECT_EQ(many.original->token, one.original->token);
          EXPECT_EQ(many.executions, one.executions);
        }
        o.jobs = jobs;
        const sim::ExploreResult again = sim::Explore(t, o);
        EXPECT_EQ(again.original->token, many.original->token) << sim::StrategyName(k);
        EXPECT_EQ(again.executions, many.executions) << sim::StrategyName(k);
        EXPECT_EQ(again.first->token, many.first->token);
      }
    }
  }
}

}  // namespace
}  // namespace daxsim::props
