workload seq_1000_569
file f size=8K
file g size=1M
actor T1
  mmap m1 f off=0 len=2M sync
  load m1 0 len=8
  zero_range f 0 len=4K
