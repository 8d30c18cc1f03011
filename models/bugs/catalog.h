// The bug catalog: every switchable mutant of sim/bugs.h with what it reverts (kernel fix
// subject and commit), the invariant it breaks, the library workload that reaches it and the
// shortest interleaving that shows it. `--bug=NAME` on explore, run, check and matrix switches
// one on (as the model parameter bug_NAME=1, so tokens carry it); `daxsim list bugs` prints them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/bugs.h"

namespace daxsim::models {

struct BugInfo {
  std::string name;  // CLI name; the model parameter is "bug_" + name
  Bug bug;
  std::string fix;        // the kernel fix it reverts: "subject (commit)"
  std::string invariant;  // what breaks
  std::string workload;   // library workload that reaches it
  std::string model;      // model and params to run it on
  std::string params;
  std::string interleaving;  // the minimal schedule, in words
  bool design = false;       // a design mistake of the populate_pfns front end, not a kernel bug
};

const std::vector<BugInfo>& Bugs();
std::optional<BugInfo> FindBug(const std::string& name);

}  // namespace daxsim::models
