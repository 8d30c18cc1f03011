// Smoke test: Abseil (strings, containers, Status/StatusOr, Mutex, flags) and fmt link and run
// in C++20 against Debian's shared libraries.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"

ABSL_FLAG(int, smoke_flag, 7, "A flag, to prove absl_flags links.");

namespace {

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError(absl::StrCat("odd: ", x));
  return x / 2;
}

TEST(Smoke, Abseil) {
  absl::flat_hash_map<std::string, int> m;
  m[absl::StrCat("pfn", 1)] = 1;
  EXPECT_EQ(m.at("pfn1"), 1);
  EXPECT_EQ(absl::StrFormat("%d-%s", 4, "kb"), "4-kb");
  EXPECT_EQ(*Half(8), 4);
  EXPECT_EQ(Half(3).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Mutex mu;
  absl::MutexLock lock(&mu);
  EXPECT_EQ(absl::GetFlag(FLAGS_smoke_flag), 7);
}

TEST(Smoke, Fmt) { EXPECT_EQ(fmt::format("{:#x}", 255), "0xff"); }

}  // namespace
