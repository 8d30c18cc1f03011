workload seq_1_12
file f size=4K
actor T1
  mmap m1 f off=0 len=4K sync
  load m1 0 len=8
  load m1 0 len=8
