// `daxsim replay TOKEN`: decode a token, rebuild its scenario with the token's parameters and
// simulation options, re-run the recorded decisions (sim::Replay) and print the verdict, the
// trace hash and optionally the swimlane or step list. Divergence from the recording is bad
// input (exit 2), not a verdict.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim/explore/perfetto.h"
#include "sim/explore/token.h"
#include "sim/explore/trace.h"
#include "sim/violation.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/counterexample.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/json.h"

namespace daxsim::cli {

namespace {

enum class TraceFormat { kNone, kSwimlane, kSteps, kFtrace, kPerfetto };

struct ReplayRequest {
  std::string token;
  TraceFormat trace = TraceFormat::kNone;
  size_t width = 0;  // the swimlane's line width (0: full labels)
  std::string out;   // --out: the trace goes to this file, not to stdout
  bool json = false;
  bool help = false;
};

absl::StatusOr<ReplayRequest> ParseRequest(const Args& args) {
  static const std::vector<FlagSpec> kFlags = {{"trace", FlagArg::kOptional},
                                               {"width", FlagArg::kRequired},
                                               {"out", FlagArg::kRequired},
                                               {"json", FlagArg::kNone},
                                               {"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("replay", args, kFlags);
  if (!a.ok()) return a.status();
  ReplayRequest r;
  r.help = a->Has("help");
  if (r.help) return r;
  if (a->positional().empty()) {
    return absl::InvalidArgumentError(
        "replay needs a TOKEN (explore prints it as 'token: dx1_...')");
  }
  if (a->positional().size() > 1) {
    return absl::InvalidArgumentError("unexpected argument '" + a->positional()[1] +
                                      "' for 'replay' (one TOKEN only)");
  }
  r.token = a->positional()[0];
  if (auto v = a->Get("trace")) {
    if (v->empty() || *v == "swimlane") {
      r.trace = TraceFormat::kSwimlane;
    } else if (*v == "steps") {
      r.trace = TraceFormat::kSteps;
    } else if (*v == "ftrace") {
      r.trace = TraceFormat::kFtrace;
    } else if (*v == "perfetto") {
      r.trace = TraceFormat::kPerfetto;
    } else {
      return absl::InvalidArgumentError("unknown trace format '" + *v +
                                        "' (swimlane, steps, ftrace, perfetto)");
    }
  }
  if (auto v = a->Get("out")) {
    if (v->empty()) return absl::InvalidArgumentError("--out needs a FILE");
    if (r.trace == TraceFormat::kNone) {
      return absl::InvalidArgumentError("--out=FILE needs --trace[=FORMAT] (the trace goes there)");
    }
    r.out = *v;
  }
  if (r.trace == TraceFormat::kPerfetto && r.out.empty()) {
    return absl::InvalidArgumentError(
        "--trace=perfetto writes JSON for ui.perfetto.dev: give it --out=FILE.json");
  }
  r.json = a->Has("json");
  absl::StatusOr<size_t> width = SwimlaneWidth(a->Get("width"), !r.json && r.out.empty());
  if (!width.ok()) return width.status();
  r.width = *width;
  return r;
}

std::string HashHex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string TraceText(const sim::Sim& sim, TraceFormat format, size_t width) {
  switch (format) {
    case TraceFormat::kSwimlane:
      return sim::FormatSwimlane(sim, width);
    case TraceFormat::kSteps:
      return sim::FormatTrace(sim);
    case TraceFormat::kFtrace:
      return sim::FormatFtrace(sim);
    case TraceFormat::kPerfetto:
      return sim::FormatPerfetto(sim);
    case TraceFormat::kNone:
      return "";
  }
  return "";
}

void PrintHuman(const sim::Token& token, const sim::Sim& sim, TraceFormat format, size_t width,
                std::ostream& out) {
  out << "scenario: " << token.target << (token.params.empty() ? "" : " (" + token.params + ")")
      << "\n";
  out << "decisions: " << token.decisions.size() << "\n";
  const sim::Violation& v = sim.violation();
  if (v.found()) {
    out << "verdict: violation " << sim::ViolationKindName(v.kind) << "\n";
    out << "message:\n";
    for (const auto& line : absl::StrSplit(v.message, '\n')) out << "  " << line << "\n";
  } else {
    out << "verdict: no violation\n";
  }
  out << "schedule: "
      << DescribeSchedule(sim.preemptions(), sim.context_switches(), sim.step_count()) << "\n";
  out << "trace hash: " << HashHex(sim::TraceHash(sim)) << "\n";
  if (format != TraceFormat::kNone) out << "\n" << TraceText(sim, format, width);
}

std::string JsonSummary(const sim::Token& token, const sim::Sim& sim, TraceFormat format,
                        size_t width) {
  const sim::Violation& v = sim.violation();
  JsonObject j;
  j.Add("scenario", token.target).Add("params", token.params);
  j.Add("violation", v.found());
  j.Add("kind",
        v.found() ? std::optional<std::string>(sim::ViolationKindName(v.kind)) : std::nullopt);
  j.Add("message", v.found() ? std::optional<std::string>(v.message) : std::nullopt);
  j.Add("steps", sim.step_count()).Add("preemptions", sim.preemptions());
  j.Add("context_switches", sim.context_switches());
  j.Add("trace_hash", HashHex(sim::TraceHash(sim)));
  if (format != TraceFormat::kNone) j.Add("trace", TraceText(sim, format, width));
  return j.str();
}

}  // namespace

int RunReplay(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ReplayRequest> r = ParseRequest(args);
  if (!r.ok()) return ReportError(err, r.status());
  if (r->help) {
    out << Usage();
    return kExitOk;
  }
  absl::StatusOr<Replayed> replayed = ReplayForViews(r->token);
  if (!replayed.ok()) return ReportError(err, replayed.status());
  const sim::Token& token = replayed->token;
  const sim::Sim& sim = *replayed->sim;
  TraceFormat shown = r->trace;
  if (!r->out.empty()) {
    const absl::Status w = WriteTextFile(r->out, TraceText(sim, r->trace, r->width));
    if (!w.ok()) return ReportError(err, w);
    shown = TraceFormat::kNone;
  }
  if (r->json) {
    out << JsonSummary(token, sim, shown, r->width) << "\n";
  } else {
    PrintHuman(token, sim, shown, r->width, out);
    if (!r->out.empty()) out << "trace written to " << ResolveUserPath(r->out) << "\n";
  }
  return sim.violation().found() ? kExitViolation : kExitOk;
}

}  // namespace daxsim::cli
