// libFuzzer target: the replay-token decoder on arbitrary bytes. It must never crash, an error
// must be one line, and a token that decodes must encode and decode to the same token.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/explore/token.h"

namespace {

bool Same(const daxsim::sim::Token& a, const daxsim::sim::Token& b) {
  if (a.version != b.version || a.target != b.target || a.params != b.params ||
      a.steps_max != b.steps_max || a.spurious_wakeups != b.spurious_wakeups ||
      a.fault_retries_max != b.fault_retries_max || a.decisions.size() != b.decisions.size()) {
    return false;
  }
  for (size_t i = 0; i < a.decisions.size(); ++i) {
    const auto &x = a.decisions[i], &y = b.decisions[i];
    if (x.kind != y.kind || x.value != y.value || x.n != y.n || x.label != y.label) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto t = daxsim::sim::DecodeToken(text);
  if (!t.ok()) {
    if (t.status().message().find('\n') != absl::string_view::npos) std::abort();
    return 0;
  }
  auto again = daxsim::sim::DecodeToken(daxsim::sim::EncodeToken(*t));
  if (!again.ok() || !Same(*t, *again)) std::abort();
  return 0;
}
