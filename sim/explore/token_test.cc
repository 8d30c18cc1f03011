#include "sim/explore/token.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace daxsim::sim {
namespace {

Token Sample() {
  Token t;
  t.target = "lastzero";
  t.params = "n=3";
  t.steps_max = 1000;
  t.spurious_wakeups = 1;
  t.decisions = {{Decision::kStep, 0, 0, "read array"},
                 {Decision::kStep, 0, 0, "read array"},
                 {Decision::kStep, 0, 0, "read array"},
                 {Decision::kChoice, 2, 3, "value"},
                 {Decision::kStep, 1, 0, "write | odd, label;%"}};
  return t;
}

TEST(TokenTest, RoundTrips) {
  const Token t = Sample();
  const std::string enc = EncodeToken(t);
  absl::StatusOr<Token> d = DecodeToken(enc);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->target, t.target);
  EXPECT_EQ(d->params, t.params);
  EXPECT_EQ(d->steps_max, 1000);
  EXPECT_EQ(d->spurious_wakeups, 1);
  ASSERT_EQ(d->decisions.size(), t.decisions.size());
  for (size_t i = 0; i < t.decisions.size(); ++i) {
    EXPECT_EQ(d->decisions[i].kind, t.decisions[i].kind);
    EXPECT_EQ(d->decisions[i].value, t.decisions[i].value);
    EXPECT_EQ(d->decisions[i].n, t.decisions[i].n);
    EXPECT_EQ(d->decisions[i].label, t.decisions[i].label);
  }
  EXPECT_EQ(
      enc.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

// Golden: fails when the encoding changes silently. A deliberate change bumps the version.
TEST(TokenTest, EncodingIsStable) {
  EXPECT_EQ(EncodeToken(Sample()),
            "dx1_"
            "MXxsYXN0emVyb3xuPTN8MTAwMHwxfHJlYWQgYXJyYXk7dmFsdWU7d3JpdGUgJTdDIG9kZCUyQyBsYWJlbCUzQi"
            "UyNXxzMC4wKjMsYzIvMy4xLHMxLjI_b4c0694f");
}

TEST(TokenTest, CarriesTheRetryBoundOnlyWhenNotTheDefault) {
  Token t = Sample();
  EXPECT_EQ(DecodeToken(EncodeToken(t))->fault_retries_max, 16);  // the golden above: 7 fields
  t.fault_retries_max = 0;                                        // searches that cache states
  const std::string enc = EncodeToken(t);
  EXPECT_NE(enc, EncodeToken(Sample()));
  absl::StatusOr<Token> d = DecodeToken(enc);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->fault_retries_max, 0);
}

// A text with a valid checksum: what a hand-edited token would decode to.
std::string Armored(const std::string& text);

TEST(TokenTest, RejectsABadRetryBound) {
  for (const char* field : {"x", "r", "r-1", "rq"}) {
    absl::StatusOr<Token> d = DecodeToken(Armored(std::string("1|t|p|100|0|a|s0.0|") + field));
    ASSERT_FALSE(d.ok()) << field;
    EXPECT_NE(d.status().message().find("bad fault retry bound"), std::string::npos) << d.status();
  }
  EXPECT_TRUE(DecodeToken(Armored("1|t|p|100|0|a|s0.0|r5")).ok());
}

TEST(TokenTest, RejectsMalformedTokensWithOneLine) {
  const std::string good = EncodeToken(Sample());
  std::string flipped = good;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string(""), std::string("hello"), std::string("dx9_abc_00000000"),
        good.substr(0, good.size() - 3), flipped, std::string("dx1_!!!!_00000000"),
        // Found by tools/fuzz/token_fuzzer.cc: the format prefix is quoted in the message.
        std::string("dx1\xff\n\xff_x6_")}) {
    absl::StatusOr<Token> d = DecodeToken(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().message().find('\n'), std::string::npos);
    EXPECT_EQ(d.status().message().rfind("bad replay token", 0), 0u) << d.status();
  }
}

std::string Armored(const std::string& text) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : text) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 63];
  char sum[17];
  std::snprintf(sum, sizeof(sum), "%08x", static_cast<unsigned>(Fnv1a64(text) & 0xffffffffu));
  return "dx1_" + out + "_" + sum;
}

}  // namespace
}  // namespace daxsim::sim
