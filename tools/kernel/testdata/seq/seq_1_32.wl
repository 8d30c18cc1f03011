workload seq_1_32
file f size=4K
actor T1
  mmap m1 f off=0 len=4K shared
  load m1 0 len=8
  store m1 0 len=8 val=0x18
  madvise_dontneed m1 0 len=4K
  store m1 0 len=8 val=0x11
  store m1 0 len=8 val=0x12
  store m1 0 len=8 val=0x14
  store m1 0 len=8 val=0x14
  zero_range f 0 len=4K
