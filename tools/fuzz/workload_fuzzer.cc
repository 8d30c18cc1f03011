// libFuzzer target: the workload parser on arbitrary bytes. It must never crash, an error must
// be one line, and whatever parses must print canonically and parse back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "models/workload/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto w = daxsim::models::workload::ParseWorkload(text, "fuzz");
  if (!w.ok()) {
    if (w.status().message().find('\n') != absl::string_view::npos) std::abort();
    return 0;
  }
  const std::string canonical = daxsim::models::workload::FormatWorkload(*w);
  auto again = daxsim::models::workload::ParseWorkload(canonical, "canonical");
  if (!again.ok() || !(*again == *w)) std::abort();
  if (daxsim::models::workload::FormatWorkload(*again) != canonical) std::abort();
  return 0;
}
