workload seq_1000_320
file f size=4K
actor T1
  mmap m1 f off=0 len=2M shared
  msync m1 0 len=4K
  load m1 0 len=8
  falloc f 0 len=4K
  store m1 0 len=8 val=0x14
  load m1 0 len=8
  madvise_dontneed m1 0 len=2M
  msync m1 0 len=2M
  load m1 0 len=8
