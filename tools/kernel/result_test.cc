// The record lines a kernel result crosses the serial line in: they decode to what was encoded,
// survive console noise around them, and a batch cut short marks its last workload an error.
#include "tools/kernel/result.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace daxsim::kernel {
namespace {

WorkloadResult Sample() {
  WorkloadResult r;
  r.workload = "w1";
  r.ops.push_back(OpResult{"T1", 0, 5, "ok", "", 0x7f0000200000});
  r.ops.push_back(OpResult{"T1", 1, 6, "ok", "0x11*8,0x00*4088", 0});
  r.ops.push_back(OpResult{"T2", 0, 8, "err=ENOSPC", "", 0});
  r.layouts.push_back(Layout{"", -1, "f", {Extent{0, 0x8200000, 0x2000, 1}}});
  r.layouts.push_back(Layout{"T2", 0, "f", {}});
  r.sizes = {{"f", 6000}, {"g", 0}};
  r.trace = {"  T1-12 [000] ..... 8.35: dax_pte_fault: dev 259:0 ino 0xc shared WRITE"};
  return r;
}

TEST(ResultTest, RecordsRoundTrip) {
  const WorkloadResult r = Sample();
  auto back = DecodeRecords(EncodeRecords(r));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0], r);
}

TEST(ResultTest, ConsoleNoiseAndCarriageReturnsAreSkipped) {
  std::string text = "[    6.6] reboot: Power down\n@@guest up 6.1.0\n";
  for (char c : EncodeRecords(Sample())) {
    if (c == '\n') text += '\r';
    text += c;
  }
  text += "noise\n";
  auto back = DecodeRecords(text);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0], Sample());
}

TEST(ResultTest, ABatchCutShortMarksItsLastWorkloadAnError) {
  std::string text = EncodeRecords(Sample());
  WorkloadResult second = Sample();
  second.workload = "w2";
  const std::string full = EncodeRecords(second);
  text += full.substr(0, full.find("@@dx Z"));  // the runner died after its ops
  auto back = DecodeRecords(text);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].status, "ok");
  EXPECT_EQ((*back)[1].status, "error");
  EXPECT_EQ((*back)[1].ops.size(), 3u);
}

TEST(ResultTest, MalformedRecordsAreErrors) {
  EXPECT_FALSE(DecodeRecords("@@dx W w\n@@dx O T1 x 5 ok 0 -\n@@dx E\n").ok());
  EXPECT_FALSE(DecodeRecords("@@dx W w\n@@dx L T1 0 f 1:2:3\n@@dx E\n").ok());
  EXPECT_FALSE(DecodeRecords("@@dx O T1 0 5 ok 0 -\n").ok());
  EXPECT_FALSE(DecodeRecords("@@dx E\n").ok());
  EXPECT_FALSE(DecodeRecords("@@dx W w\n@@dx Q\n@@dx E\n").ok());
}

TEST(ResultTest, BytesAreRunLengthEncoded) {
  const uint8_t b[] = {0x11, 0x11, 0x11, 0x00, 0xaa};
  EXPECT_EQ(EncodeBytes(b, 5), "0x11*3,0x00*1,0xaa*1");
  EXPECT_EQ(EncodeBytes(b, 0), "");
}

RC_GTEST_PROP(ResultProperty, AnyResultRoundTrips, ()) {
  WorkloadResult r;
  r.workload = "w";
  const int n = *rc::gen::inRange(0, 20);
  for (int i = 0; i < n; ++i) {
    const auto bytes = *rc::gen::container<std::vector<uint8_t>>(*rc::gen::inRange(0, 40),
                                                                 rc::gen::inRange<uint8_t>(0, 3));
    r.ops.push_back(OpResult{*rc::gen::element<std::string>("A", "B2"), i, i + 3,
                             *rc::gen::element<std::string>("ok", "ret=4096", "SIGBUS"),
                             EncodeBytes(bytes.data(), bytes.size()),
                             *rc::gen::arbitrary<uint64_t>()});
  }
  const int layouts = *rc::gen::inRange(0, 4);
  for (int i = 0; i < layouts; ++i) {
    Layout l{*rc::gen::element<std::string>("", "A"), i - 1, "f", {}};
    const int extents = *rc::gen::inRange(0, 5);
    for (int e = 0; e < extents; ++e) {
      l.extents.push_back(Extent{*rc::gen::arbitrary<uint64_t>(), *rc::gen::arbitrary<uint64_t>(),
                                 *rc::gen::arbitrary<uint64_t>(), *rc::gen::arbitrary<uint32_t>()});
    }
    r.layouts.push_back(l);
  }
  auto back = DecodeRecords(EncodeRecords(r));
  RC_ASSERT(back.ok());
  RC_ASSERT(back->size() == 1u);
  RC_ASSERT((*back)[0] == r);
}

}  // namespace
}  // namespace daxsim::kernel
