#include "sim/explore/replay.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace daxsim::sim {

bool ReplayStrategy::BeginExecution() {
  if (started_) return false;
  started_ = true;
  next_ = 0;
  step_ = 0;
  error_.clear();
  return true;
}

void ReplayStrategy::Diverge(const std::string& why) {
  if (error_.empty())
    error_ = absl::StrCat("replay diverged at decision ", next_, " (step ", step_, "): ", why);
}

ActorId ReplayStrategy::PickActor(const Sim& sim) {
  if (!error_.empty()) return kNoActor;
  if (next_ >= decisions_.size()) {
    Diverge("the recording ends here but the execution goes on (enabled: " +
            sim.actor(sim.enabled().front()).name() + " at '" +
            sim.actor(sim.enabled().front()).pending().op + "')");
    return kNoActor;
  }
  const TokenDecision& d = decisions_[next_];
  if (d.kind != Decision::kStep) {
    Diverge("expected a choice '" + d.label + "' but the model asks for a step");
    return kNoActor;
  }
  if (d.value >= sim.num_actors()) {
    Diverge(absl::StrCat("expected actor #", d.value, " at '", d.label, "' but there are only ",
                         sim.num_actors(), " actors"));
    return kNoActor;
  }
  const Actor& a = sim.actor(d.value);
  if (std::strcmp(a.pending().op, d.label.c_str()) != 0) {
    Diverge(absl::StrCat("expected ", a.name(), " at '", d.label, "' but it is at '",
                         a.pending().op, "'"));
    return kNoActor;
  }
  if (!sim.IsEnabled(d.value)) {
    Diverge(absl::StrCat("expected ", a.name(), " to run '", d.label, "' but it is blocked"));
    return kNoActor;
  }
  next_++;
  step_++;
  return d.value;
}

int ReplayStrategy::PickChoice(const Sim& sim, int n, const char* label) {
  if (error_.empty()) {
    if (next_ >= decisions_.size()) {
      Diverge(absl::StrCat("the recording ends but the model makes choice '", label, "'"));
    } else if (decisions_[next_].kind != Decision::kChoice) {
      Diverge(absl::StrCat("expected a step '", decisions_[next_].label,
                           "' but the model makes choice '", label, "'"));
    } else if (decisions_[next_].n != n || decisions_[next_].label != label) {
      Diverge(absl::StrCat("expected choice '", decisions_[next_].label, "' of ",
                           decisions_[next_].n, " but the model makes choice '", label, "' of ",
                           n));
    } else {
      return decisions_[next_++].value;
    }
  }
  return 0;  // the next PickActor abandons the execution
}

void ReplayStrategy::EndExecution(const Sim& sim) {
  if (error_.empty() && next_ < decisions_.size()) {
    Diverge(absl::StrCat("the execution ended after ", next_, " of ", decisions_.size(),
                         " recorded decisions"));
  }
}

}  // namespace daxsim::sim
