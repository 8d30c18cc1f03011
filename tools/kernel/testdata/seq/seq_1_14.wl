workload seq_1_14
file f size=4M
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0x1000 len=8 val=0x13
  fsync f
