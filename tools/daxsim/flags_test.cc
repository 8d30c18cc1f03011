// The flag parser and value parsers: every accepted spelling and the errors for the rest.
#include "tools/daxsim/flags.h"

#include <gtest/gtest.h>

namespace daxsim::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"seed", FlagArg::kRequired}, {"json", FlagArg::kNone}, {"trace", FlagArg::kOptional}};

TEST(ParseArgsTest, AcceptsEachSpelling) {
  auto a = ParseArgs("x", {"--seed=7", "--json", "pos", "--trace"}, kSpecs);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a->Get("seed"), "7");
  EXPECT_TRUE(a->Has("json"));
  EXPECT_EQ(*a->Get("trace"), "");
  EXPECT_EQ(a->positional(), std::vector<std::string>{"pos"});
  EXPECT_FALSE(a->Get("nope").has_value());
}

TEST(ParseArgsTest, RejectsMisuse) {
  EXPECT_FALSE(ParseArgs("x", {"--bogus"}, kSpecs).ok());
  EXPECT_FALSE(ParseArgs("x", {"--seed"}, kSpecs).ok());
  EXPECT_FALSE(ParseArgs("x", {"--seed="}, kSpecs).ok());
  EXPECT_FALSE(ParseArgs("x", {"--json=1"}, kSpecs).ok());
  EXPECT_FALSE(ParseArgs("x", {"-s"}, kSpecs).ok());
  EXPECT_FALSE(ParseArgs("x", {"--seed=1", "--seed=2"}, kSpecs).ok());
  const auto bad = ParseArgs("explore", {"--bogus=1"}, kSpecs);
  EXPECT_NE(bad.status().message().find("--bogus"), absl::string_view::npos);
}

TEST(ParseIntTest, IsStrict) {
  EXPECT_EQ(*ParseInt64("42", "n"), 42);
  EXPECT_EQ(*ParseInt64("-3", "n"), -3);
  EXPECT_FALSE(ParseInt64("", "n").ok());
  EXPECT_FALSE(ParseInt64("4x", "n").ok());
  EXPECT_FALSE(ParseInt64(" 4", "n").ok());
  EXPECT_FALSE(ParseInt64("+4", "n").ok());
  EXPECT_FALSE(ParseInt64("99999999999999999999", "n").ok());
  EXPECT_FALSE(ParseUint64("-1", "n").ok());
  EXPECT_EQ(*ParseUint64("18446744073709551615", "n"), UINT64_MAX);
  EXPECT_FALSE(ParseIntInRange("0", "n", 1, 5).ok());
  EXPECT_FALSE(ParseIntInRange("6", "n", 1, 5).ok());
}

TEST(ParseBudgetTest, ExecutionsOrSeconds) {
  EXPECT_EQ(ParseBudget("executions:10")->executions, 10);
  EXPECT_DOUBLE_EQ(ParseBudget("seconds:1.5")->seconds, 1.5);
  EXPECT_DOUBLE_EQ(ParseBudget("seconds:2")->seconds, 2.0);
  for (const char* bad : {"executions:0", "executions:-1", "executions:1x", "seconds:0",
                          "seconds:abc", "seconds:inf", "seconds:nan", "minutes:3", "10", ""}) {
    EXPECT_FALSE(ParseBudget(bad).ok()) << bad;
  }
}

TEST(ParseShardTest, IndexBelowCount) {
  EXPECT_EQ(ParseShard("1/4")->index, 1u);
  EXPECT_EQ(ParseShard("1/4")->count, 4u);
  for (const char* bad : {"4/4", "0/0", "-1/2", "1", "a/b", "1/2/3", "/2"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace daxsim::cli
