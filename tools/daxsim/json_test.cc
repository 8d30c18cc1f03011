// JSON output: escaping, nulls, nesting, key order.
#include "tools/daxsim/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace daxsim::cli {
namespace {

TEST(JsonTest, ObjectInInsertionOrder) {
  JsonObject inner;
  inner.Add("k", 1);
  JsonArray arr;
  arr.AddRaw(inner.str()).AddRaw("2");
  JsonObject j;
  j.Add("z", "a\"b\\c\nd\x01").Add("a", int64_t{-3}).Add("t", true);
  j.Add("n", std::optional<std::string>()).Add("d", 0.5).Add("inf", HUGE_VAL);
  j.Add("u", uint64_t{18446744073709551615u}).AddRaw("arr", arr.str());
  EXPECT_EQ(j.str(),
            "{\"z\":\"a\\\"b\\\\c\\nd\\u0001\",\"a\":-3,\"t\":true,\"n\":null,\"d\":0.5,"
            "\"inf\":null,\"u\":18446744073709551615,\"arr\":[{\"k\":1},2]}");
  EXPECT_EQ(JsonObject().str(), "{}");
  EXPECT_EQ(JsonArray().str(), "[]");
}

TEST(JsonTest, DottedCountsNest) {
  const std::map<std::string, int64_t> counts = {
      {"histories.linearizable", 7}, {"histories.violation", 1},   {"results.load.checked", 12},
      {"results.load.excused", 2},   {"results.store.checked", 3}, {"top", 4}};
  EXPECT_EQ(NestedCountsJson(counts),
            "{\"histories\":{\"linearizable\":7,\"violation\":1},\"results\":{\"load\":"
            "{\"checked\":12,\"excused\":2},\"store\":{\"checked\":3}},\"top\":4}");
  EXPECT_EQ(NestedCountsJson({}), "{}");
}

}  // namespace
}  // namespace daxsim::cli
