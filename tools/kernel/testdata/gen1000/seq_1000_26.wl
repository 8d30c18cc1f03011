workload seq_1000_26
file f size=4K
file g size=1720K
actor T1
  mmap m1 f off=0 len=4K shared ro
  load m1 0 len=8
  load m1 0 len=8
  zero_range f 0 len=8K
