workload seq_1000_907
file f size=4M
file g size=4K
actor T1
  mmap m1 f off=0 len=8K shared
  store m1 0 len=8 val=0x12
  store m1 0 len=8 val=0x14
  store m1 0 len=8 val=0x15
  store m1 0x1ff8 len=8 val=0x18
  load m1 0 len=8
  store m1 0 len=8 val=0x14
  zero_range f 0 len=4K
