// `daxsim explain TOKEN`: the token's violation in kernel terms (counterexample.h): what the
// property protects, the objects it is about with the step, actor and function that last
// changed each, and what every preemption of the schedule reordered.
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/counterexample.h"
#include "tools/daxsim/flags.h"

namespace daxsim::cli {

int RunExplain(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {{"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("explain", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  if (a->Has("help")) {
    out << Usage();
    return kExitOk;
  }
  if (a->positional().size() != 1) {
    return ReportError(err, absl::InvalidArgumentError(
                                "explain needs exactly one TOKEN (explore prints it as 'token: "
                                "dx1_...')"));
  }
  absl::StatusOr<sim::Token> token = sim::DecodeToken(a->positional()[0]);
  if (!token.ok()) return ReportError(err, token.status());
  absl::StatusOr<sim::Explanation> e = ExplainToken(a->positional()[0]);
  if (!e.ok()) return ReportError(err, e.status());
  out << ExplanationText(*token, *e);
  return e->sim->violation().found() ? kExitViolation : kExitOk;
}

}  // namespace daxsim::cli
