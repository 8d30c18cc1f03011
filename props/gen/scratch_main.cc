#include <chrono>
#include <cstdlib>
#include <iostream>

#include "models/dax_world/target.h"
#include "props/gen/workload_gen.h"
#include "sim/explore/explorer.h"
using namespace daxsim;
int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  bool run = argc > 2;
  std::string model = argc > 2 ? argv[2] : "xfs";
  std::string params = argc > 3 ? argv[3] : "";
  auto gen = props::GenWorkload();
  for (int i = 0; i < n; ++i) {
    auto w = gen(rc::Random(100 + i)).value();
    std::cout << "---- " << i << "\n" << models::workload::FormatWorkload(w) << std::flush;
    if (!run) continue;
    auto t = models::MakeDaxTargetFromWorkload(model, w, params);
    if (!t.ok()) {
      std::cout << t.status() << "\n";
      continue;
    }
    sim::ExploreOptions o;
    o.strategy = sim::StrategyKind::kDpor;
    o.preemptions_max = 1;
    o.budget_executions = 300;
    o.shrink_executions_max = 2000;
    auto r = sim::Explore(*t, o);
    std::cout << "executions " << r.executions << " steps " << r.steps << " complete " << r.complete
              << " wall " << r.wall_s << " shrink_exec " << r.shrink_executions << "\n";
    if (r.first)
      std::cout << "VIOLATION " << r.first->violation.message << "\n token " << r.first->token
                << "\n";
  }
}
