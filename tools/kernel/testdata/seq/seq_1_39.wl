workload seq_1_39
file f size=12K
file g size=2056K
actor T1
  mmap m1 f off=0 len=12K shared
  store m1 0 len=16 val=0x18
  store m1 0 len=8 val=0x11
  clwb m1 0 len=8K
  sfence
  load m1 0 len=8
  madvise_dontneed m1 0 len=12K
