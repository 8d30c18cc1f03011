workload seq_1_8
file f size=8K
actor T1
  mmap m1 f off=4K len=4K private
  fsync f
  mmap m2 f off=0 len=8K private ro
  load m2 0x1000 len=8
  truncate f 4K
  load m2 0x1000 len=8
