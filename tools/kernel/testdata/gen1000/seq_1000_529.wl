workload seq_1000_529
file f size=2056K
actor T1
  mmap m1 f off=0 len=2M shared
  zero_range f 0 len=8K
  load m1 0 len=8
  falloc f 0 len=2M
  store m1 0 len=8 val=0x13
  store m1 0 len=8 val=0x18
  load m1 0 len=8
  store m1 0 len=8 val=0x11
