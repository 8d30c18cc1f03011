// Smoke test: GoogleTest, GoogleMock and RapidCheck link and run (RC_GTEST_PROP needs
// <gtest/gtest.h> before <rapidcheck/gtest.h>).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

namespace {

TEST(Smoke, GoogleMockMatchers) {
  std::vector<int> v = {3, 1, 2};
  std::sort(v.begin(), v.end());
  EXPECT_THAT(v, testing::ElementsAre(1, 2, 3));
}

RC_GTEST_PROP(Smoke, ReverseTwiceIsIdentity, (const std::vector<int>& v)) {
  std::vector<int> r = v;
  std::reverse(r.begin(), r.end());
  std::reverse(r.begin(), r.end());
  RC_ASSERT(r == v);
}

}  // namespace
