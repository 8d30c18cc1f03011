// Replay tokens: one printable string that reproduces an execution bit for bit. It carries the
// format version, the target (scenario or model/workload) and its canonical parameters, the
// simulation options that change behaviour, and the decisions: each step as (actor, operation
// label) and each choice as (value, alternatives, label). Labels make a token survive code
// changes that do not touch the steps it names, and let a divergent replay say what it expected.
// Encoding: "dx1_" + base64url(text) + "_" + 8 hex digits of FNV-1a over the text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/sim.h"

namespace daxsim::sim {

inline constexpr int kTokenVersion = 1;

struct TokenDecision {
  Decision::Kind kind;
  int32_t value;
  int32_t n;
  std::string label;
};

struct Token {
  int version = kTokenVersion;
  std::string target;
  std::string params;
  int64_t steps_max = 0;
  int spurious_wakeups = 0;
  int fault_retries_max = 16;  // SimOptions::fault_retries_max (tokens before it: 16)
  std::vector<TokenDecision> decisions;
};

Token MakeToken(const std::string& target, const std::string& params, const SimOptions& options,
                const std::vector<Decision>& decisions);
std::string EncodeToken(const Token& token);
// One-line InvalidArgument errors for anything malformed.
absl::StatusOr<Token> DecodeToken(const std::string& text);

uint64_t Fnv1a64(const std::string& s, uint64_t h = 0xcbf29ce484222325ULL);

}  // namespace daxsim::sim
