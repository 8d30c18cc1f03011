workload seq_1_3
file f size=0x3a65a8
actor T1
  mmap m1 f off=4K len=4K sync
  load m1 0xc40 len=8
