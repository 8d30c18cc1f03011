workload seq_1000_93
file f size=2M
file g size=2M
actor T1
  mmap m1 g off=0 len=2M private ro
  load m1 0 len=16
  madvise_dontneed m1 0 len=4K
  store m1 0 len=8 val=0x15
  store m1 0x1ff000 len=16 val=0x15
  load m1 0 len=8
  madvise_dontneed m1 0 len=8K
  zero_range g 0x64 len=4K
