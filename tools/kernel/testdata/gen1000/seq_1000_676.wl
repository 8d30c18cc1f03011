workload seq_1000_676
file f size=1M
file g size=8K written=0-8K fill=0x03
actor T1
  mmap m1 f off=0 len=4M shared
  load m1 0 len=8
  load m1 0x1ff000 len=8
  madvise_dontneed m1 0 len=2M
  madvise_dontneed m1 0 len=4M
  load m1 0x1000 len=8
  zero_range f 0 len=8K
