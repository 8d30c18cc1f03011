#include "tools/daxsim/counterexample.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "models/dax_world/objects.h"
#include "models/dax_world/target.h"
#include "models/registry.h"
#include "props/dax/protects.h"
#include "sim/explore/explorer.h"
#include "sim/explore/perfetto.h"
#include "tools/daxsim/failures_file.h"

namespace daxsim::cli {

namespace {

absl::StatusOr<sim::Target> TargetOf(const sim::Token& token) {
  return models::IsDaxTarget(token.target) ? models::DaxTargetFromToken(token.target, token.params)
                                           : models::MakeScenario(token.target, token.params);
}

sim::SimOptions OptionsOf(const sim::Token& token) {
  sim::SimOptions options;
  options.steps_max = token.steps_max;
  options.spurious_wakeups = token.spurious_wakeups;
  options.fault_retries_max = token.fault_retries_max;
  return options;
}

std::map<std::string, std::string> DescribeDaxWorld(sim::World& w) {
  auto* dax = dynamic_cast<models::DaxWorld*>(&w);
  return dax != nullptr ? models::DescribeObjects(*dax) : std::map<std::string, std::string>{};
}

}  // namespace

absl::StatusOr<sim::Explanation> ExplainToken(const std::string& token_text) {
  absl::StatusOr<sim::Token> token = sim::DecodeToken(token_text);
  if (!token.ok()) return token.status();
  absl::StatusOr<sim::Target> target = TargetOf(*token);
  if (!target.ok()) return target.status();
  return sim::ExplainRun(*target, OptionsOf(*token), token->decisions, DescribeDaxWorld);
}

std::string ExplanationText(const sim::Token& token, const sim::Explanation& e) {
  return "scenario: " + token.target + (token.params.empty() ? "" : " (" + token.params + ")") +
         "\n" + sim::FormatExplanation(e, props::Protects(e.sim->violation()));
}

absl::StatusOr<Replayed> ReplayForViews(const std::string& token_text) {
  absl::StatusOr<sim::Token> token = sim::DecodeToken(token_text);
  if (!token.ok()) return token.status();
  absl::StatusOr<sim::Target> target = TargetOf(*token);
  if (!target.ok()) return target.status();
  sim::SimOptions options = OptionsOf(*token);
  options.record_steps = true;
  // Always keep model events: the trace hash covers them, so the hash a replay prints is the
  // same with and without --trace. Events never influence scheduling.
  options.trace = true;
  Replayed r{*std::move(token), std::make_unique<sim::Sim>(options)};
  const absl::Status replayed = sim::Replay(*target, options, r.token.decisions, r.sim.get());
  if (!replayed.ok()) {
    std::string why(replayed.message());
    constexpr std::string_view kPrefix = "replay diverged ";
    if (why.rfind(kPrefix, 0) == 0) why = why.substr(kPrefix.size());
    return absl::FailedPreconditionError("replay diverged: " + why);
  }
  return r;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  const std::string resolved = ResolveUserPath(path);
  std::ofstream f(resolved, std::ios::trunc | std::ios::binary);
  if (f) f << text;
  if (f) f.close();
  if (!f) {
    return absl::UnavailableError("cannot write " + resolved + ": " + std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::Status WritePerfettoFile(const std::string& token_text, const std::string& path) {
  absl::StatusOr<Replayed> r = ReplayForViews(token_text);
  if (!r.ok()) return r.status();
  return WriteTextFile(path, sim::FormatPerfetto(*r->sim));
}

}  // namespace daxsim::cli
