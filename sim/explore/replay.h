// Replays recorded decisions exactly. Each step must find the recorded actor enabled and at
// the recorded operation label, each choice the recorded label and arity; otherwise the replay
// stops with an error naming the step and what it expected. A replay that runs past the end of
// the recording, or ends before it, has diverged too.
#pragma once

#include <string>
#include <vector>

#include "sim/explore/search_strategy.h"
#include "sim/explore/token.h"

namespace daxsim::sim {

class ReplayStrategy : public SearchStrategy {
 public:
  explicit ReplayStrategy(std::vector<TokenDecision> decisions)
      : decisions_(std::move(decisions)) {}

  bool BeginExecution() override;
  void EndExecution(const Sim& sim) override;
  uint64_t LastKey() const override { return 0; }
  bool exhausted() const override { return started_; }
  std::string error() const override { return error_; }
  ActorId PickActor(const Sim& sim) override;
  int PickChoice(const Sim& sim, int n, const char* label) override;

 private:
  void Diverge(const std::string& why);

  std::vector<TokenDecision> decisions_;
  size_t next_ = 0;
  int64_t step_ = 0;
  bool started_ = false;
  std::string error_;
};

}  // namespace daxsim::sim
