workload seq_1_2
file f size=2056K
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0 len=8 val=0x18
  load m1 0x1ff000 len=8
