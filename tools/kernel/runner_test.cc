// The runner on the host (a plain directory, not DAX): its results are the real system calls'
// and CPU accesses' results, in workload order, with the signals a user would get.
#include "tools/kernel/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace daxsim::kernel {
namespace {

using models::workload::ParseWorkload;

WorkloadResult RunText(const std::string& text) {
  auto w = ParseWorkload(text, "test");
  EXPECT_TRUE(w.ok()) << w.status();
  const char* tmp = std::getenv("TEST_TMPDIR");
  RunOptions o;
  o.dir = tmp != nullptr ? tmp : "/tmp";
  auto r = RunWorkload(*w, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : WorkloadResult{};
}

const OpResult& Op(const WorkloadResult& r, const std::string& actor, int op) {
  for (const OpResult& o : r.ops) {
    if (o.actor == actor && o.op == op) return o;
  }
  static const OpResult none;
  ADD_FAILURE() << "no result for " << actor << " op " << op;
  return none;
}

TEST(RunnerTest, SequentialCallsAndAccessesReturnWhatTheKernelSays) {
  const WorkloadResult r = RunText(R"(workload seq
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K shared
  store m 0x10 len=4 val=0x11
  read f 0xe len=8
  write f 0x1000 len=2 val=0x22
  load m 0x1000 len=4
  truncate f 4K
  load m 0x1000 len=1
  load m 0 len=2
  falloc f 0 len=16K
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "A", 0).what, "ok");
  EXPECT_NE(Op(r, "A", 0).addr, 0u);
  EXPECT_EQ(Op(r, "A", 1).what, "ok");
  EXPECT_EQ(Op(r, "A", 2).what, "ret=8");
  EXPECT_EQ(Op(r, "A", 2).data, "0xaa*2,0x11*4,0xaa*2");
  EXPECT_EQ(Op(r, "A", 3).what, "ret=2");
  EXPECT_EQ(Op(r, "A", 4).data, "0x22*2,0xaa*2");
  EXPECT_EQ(Op(r, "A", 5).what, "ret=0");
  EXPECT_EQ(Op(r, "A", 6).what, "SIGBUS");  // beyond EOF after the truncate
  EXPECT_EQ(Op(r, "A", 6).data, "");
  EXPECT_EQ(Op(r, "A", 7).data, "0xaa*2");
  EXPECT_EQ(Op(r, "A", 8).what, "ret=0");
  ASSERT_EQ(r.sizes.size(), 1u);
  EXPECT_EQ(r.sizes[0], std::make_pair(std::string("f"), uint64_t{16384}));
}

TEST(RunnerTest, StoreThroughAReadOnlyMappingIsSigsegvAndPrivateCopiesStayPrivate) {
  const WorkloadResult r = RunText(R"(workload prot
file f size=4K written=0-4K fill=0x01
actor A
  mmap r f len=4K shared ro
  mmap p f len=4K private
  store r 0 len=1 val=0x02
  store p 0 len=1 val=0x03
  load r 0 len=2
  load p 0 len=2
  read f 0 len=2
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "A", 2).what, "SIGSEGV");
  EXPECT_EQ(Op(r, "A", 3).what, "ok");
  EXPECT_EQ(Op(r, "A", 4).data, "0x01*2");
  EXPECT_EQ(Op(r, "A", 5).data, "0x03*1,0x01*1");
  EXPECT_EQ(Op(r, "A", 6).data, "0x01*2");
}

TEST(RunnerTest, ThreadsShareSetupMappingsAndProcessesDoNot) {
  // P's setup mapping (T1's leading mmap) is usable by T2, a thread of P; Q is a separate
  // process with its own private mapping. The threads race, so only results that do not
  // depend on their order are asserted.
  const WorkloadResult r = RunText(R"(workload procs
file f size=8K
actor T1 mm=P
  mmap m f len=8K shared
  load m 0 len=1
actor T2 mm=P
  store m 0x1000 len=4 val=0x44
  load m 0x1000 len=4
actor Q
  mmap q f len=8K private
  store q 0 len=1 val=0x55
  load q 0 len=1
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "T1", 0).what, "ok");
  EXPECT_EQ(Op(r, "T2", 0).what, "ok");
  EXPECT_EQ(Op(r, "T2", 1).data, "0x44*4");
  EXPECT_EQ(Op(r, "Q", 2).data, "0x55*1");
  EXPECT_EQ(r.ops.size(), 7u);
}

TEST(RunnerTest, AFailedMmapLeavesItsOpsWithoutAMapping) {
  // MAP_SYNC on a filesystem without DAX: EOPNOTSUPP, as the kernel's mmap_region() returns.
  const WorkloadResult r = RunText(R"(workload nosync
file f size=4K
actor A
  mmap s f len=4K sync
  store s 0 len=1 val=0x01
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "A", 0).what, "err=EOPNOTSUPP");
  EXPECT_EQ(Op(r, "A", 1).what, "nomap");
}

TEST(RunnerTest, OpsTheKernelCannotBeMadeToDoHereMakeTheWorkloadUnsupported) {
  const WorkloadResult r = RunText(R"(workload pf
file f size=4K
actor A
  write f 0 len=1 val=0x01
  crash
)");
  EXPECT_EQ(r.status, "unsupported");
  EXPECT_NE(r.why.find("line 5: crash"), std::string::npos) << r.why;
  EXPECT_TRUE(r.ops.empty());
}

}  // namespace
}  // namespace daxsim::kernel

namespace daxsim::kernel {
namespace {

TEST(RunnerTest, SizeIsFstatsStSize) {
  const WorkloadResult r = RunText(R"(workload size
file f size=8K
actor A
  size f
  truncate f 5000
  size f expect=5000
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "A", 0).what, "size=8192");
  EXPECT_EQ(Op(r, "A", 2).what, "size=5000");
}

}  // namespace
}  // namespace daxsim::kernel

namespace daxsim::kernel {
namespace {

// A barrier between processes: B's read comes after A's write, every time.
TEST(RunnerTest, BarriersOrderActorsAcrossProcesses) {
  for (int run = 0; run < 20; ++run) {
    const WorkloadResult r = RunText(R"(workload barrier
file f size=4K written=0-4K
actor A
  write f 0 len=8 val=0x11
  barrier x
actor B
  barrier x
  read f 0 len=8 expect=0x11
)");
    ASSERT_EQ(r.status, "ok") << r.why;
    EXPECT_EQ(Op(r, "B", 1).data, "0x11*8");
  }
}

}  // namespace
}  // namespace daxsim::kernel

namespace daxsim::kernel {
namespace {

// pin ro is vmsplice(2): the pages are referenced (faulted in as get_user_pages does: EFAULT
// beyond EOF, fine through a read-only mapping) until the unpin reads the pipe empty; pin rw
// slow longterm is io_uring buffer registration. Other pins, and unpins that name no held pin
// exactly, are not run.
TEST(RunnerTest, ReadPinsAreVmsplicedPages) {
  const WorkloadResult r = RunText(R"(workload pins
file f size=8K written=0-4K fill=0xaa
actor A
  mmap m f len=16K ro
  pin m 0 len=8K ro
  pin m 0x1000 len=12K ro
  load m 0 len=2
  unpin m 0 len=8K
  unpin m 0x1000 len=12K
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "A", 1).what, "ok");
  EXPECT_EQ(Op(r, "A", 2).what, "err=EFAULT");  // pages 2 and 3 lie beyond EOF
  EXPECT_EQ(Op(r, "A", 3).data, "0xaa*2");
  EXPECT_EQ(Op(r, "A", 4).what, "ok");
  EXPECT_EQ(Op(r, "A", 5).what, "ok");
  const std::string head = "workload p\nfile f size=8K\nactor A\n  mmap m f len=8K\n";
  const WorkloadResult rw = RunText(head + "  pin m 0 len=4K\n");
  EXPECT_EQ(rw.status, "unsupported");
  EXPECT_NE(rw.why.find("line 5: pin"), std::string::npos) << rw.why;
  EXPECT_EQ(RunText(head + "  pin m 0 len=4K ro slow\n").status, "unsupported");
  EXPECT_EQ(RunText(head + "  pin m 0 len=4K longterm\n").status, "unsupported");
  // On fsdax the registration fails (EOPNOTSUPP); here the host's file system and kernel (or
  // a sandbox without io_uring) decide, so only that it ran and its unpin found its pin.
  const WorkloadResult ring =
      RunText(head + "  pin m 0 len=4K slow longterm\n  unpin m 0 len=4K\n");
  ASSERT_EQ(ring.status, "ok") << ring.why;
  EXPECT_TRUE(Op(ring, "A", 1).what == "ok" || Op(ring, "A", 1).what.substr(0, 4) == "err=")
      << Op(ring, "A", 1).what;
  EXPECT_EQ(Op(ring, "A", 2).what, "ok");
  const WorkloadResult data = RunText(head + "  pin m 0 len=4K ro\n  unpin m 0 len=4K val=1\n");
  EXPECT_EQ(data.status, "unsupported");
  EXPECT_NE(data.why.find("line 6: unpin"), std::string::npos) << data.why;
  const WorkloadResult other = RunText(head + "  pin m 0 len=8K ro\n  unpin m 0 len=4K\n");
  EXPECT_EQ(other.status, "unsupported");
}

}  // namespace
}  // namespace daxsim::kernel

namespace daxsim::kernel {
namespace {

// write from= and read to= pass the mapping itself as the system call's buffer: the bytes go
// between the file and the mapping, and a buffer page beyond the mapped file's EOF ends the
// copy (a short count, or EFAULT when nothing was copied).
TEST(RunnerTest, ReadAndWriteWithAMappingAsTheBuffer) {
  const WorkloadResult r = RunText(R"(workload userbuf
file f size=8K written=0-8K fill=0xaa
file g size=4K
actor A
  mmap m f len=8K
  mmap n g len=8K
  store m 0x10 len=8 val=0x11
  write g 0 len=32 from=m+0
  read g 0 len=32 to=m+0x1000
  load m 0x1000 len=32
  write f 0 len=8K from=n+0
  read f 0 len=8 to=n+0x1000
)");
  ASSERT_EQ(r.status, "ok") << r.why;
  EXPECT_EQ(Op(r, "A", 3).what, "ret=32");
  EXPECT_EQ(Op(r, "A", 4).what, "ret=32");
  EXPECT_EQ(Op(r, "A", 4).data, "");  // a read into a mapping reports its count only
  EXPECT_EQ(Op(r, "A", 5).data, "0xaa*16,0x11*8,0xaa*8");
  EXPECT_EQ(Op(r, "A", 6).what, "ret=4096");  // n's second page lies beyond g's EOF
  EXPECT_EQ(Op(r, "A", 7).what, "err=EFAULT");
}

}  // namespace
}  // namespace daxsim::kernel
