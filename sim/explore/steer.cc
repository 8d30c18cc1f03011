#include "sim/explore/steer.h"

#include <algorithm>

namespace daxsim::sim {

SteerStrategy::SteerStrategy(const std::vector<TokenDecision>& decisions,
                             std::vector<bool> switch_allowed) {
  std::vector<int32_t> count;
  ActorId current = kNoActor;
  for (const TokenDecision& d : decisions) {
    if (d.kind == Decision::kStep) {
      current = d.value;
      if (static_cast<size_t>(current) >= count.size()) {
        count.resize(static_cast<size_t>(current) + 1, 0);
        choices_.resize(count.size());
      }
      order_.push_back(current);
      occurrence_.push_back(count[static_cast<size_t>(current)]++);
    } else if (current != kNoActor) {
      choices_[static_cast<size_t>(current)].push_back(d.value);
    }
  }
  for (size_t k = 1; k < order_.size() && k < switch_allowed.size(); ++k) {
    if (switch_allowed[k] && order_[k] != order_[k - 1]) {
      allowed_.push_back({order_[k - 1], occurrence_[k - 1] + 1, order_[k]});
    }
  }
}

std::vector<size_t> SteerStrategy::Switches(const std::vector<TokenDecision>& decisions) {
  std::vector<size_t> out;
  ActorId prev = kNoActor;
  size_t k = 0;
  for (const TokenDecision& d : decisions) {
    if (d.kind != Decision::kStep) continue;
    if (prev != kNoActor && d.value != prev) out.push_back(k);
    prev = d.value;
    k++;
  }
  return out;
}

ActorId SteerStrategy::PickActor(const Sim& sim) {
  const size_t actors = static_cast<size_t>(sim.num_actors());
  if (taken_.size() < actors) taken_.resize(actors, 0);
  auto consumed = [&](size_t k) {
    const auto a = static_cast<size_t>(order_[k]);
    return a >= actors || taken_[a] > occurrence_[k];
  };
  while (scan_ < order_.size() && consumed(scan_)) scan_++;
  const ActorId last = sim.last_actor();
  const bool last_enabled = last != kNoActor && sim.IsEnabled(last);
  ActorId pick = kNoActor;
  if (last_enabled) {
    pick = last;
    for (const Switch& sw : allowed_) {
      if (sw.from == last && sw.after == taken_[static_cast<size_t>(last)] &&
          sim.IsEnabled(sw.to)) {
        pick = sw.to;
        break;
      }
    }
  } else {
    for (size_t k = scan_; k < order_.size() && pick == kNoActor; ++k) {
      if (!consumed(k) && sim.IsEnabled(order_[k])) pick = order_[k];
    }
    if (pick == kNoActor) pick = sim.enabled().front();
  }
  taken_[static_cast<size_t>(pick)]++;
  return pick;
}

int SteerStrategy::PickChoice(const Sim& sim, int n, const char*) {
  const ActorId a = sim.last_actor();
  if (a == kNoActor || static_cast<size_t>(a) >= choices_.size()) return 0;
  const size_t i = static_cast<size_t>(a);
  if (choice_next_.size() < choices_.size()) choice_next_.resize(choices_.size(), 0);
  if (choice_next_[i] >= choices_[i].size()) return 0;
  const int v = choices_[i][choice_next_[i]++];
  return v < n ? v : 0;
}

}  // namespace daxsim::sim
