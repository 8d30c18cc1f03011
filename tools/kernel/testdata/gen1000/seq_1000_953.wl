workload seq_1000_953
file f size=2M unwritten=900K-964K
actor T1
  mmap m1 f off=0 len=2M shared
  load m1 0 len=8
  zero_range f 0 len=4K
