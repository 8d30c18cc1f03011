workload seq_1_11
file f size=4M
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0 len=8 val=0x14
  load m1 0 len=8
  madvise_dontneed m1 0 len=4K
