workload seq_1000_855
file f size=12K
file g size=4M
actor T1
  mmap m1 f off=0 len=12K shared
  load m1 0 len=8
  store m1 0 len=8 val=0x18
  zero_range f 0x1000 len=4K
  load m1 0 len=8
  store m1 0x1c48 len=8 val=0x13
  store m1 0 len=16 val=0x13
  store m1 0 len=8 val=0x12
