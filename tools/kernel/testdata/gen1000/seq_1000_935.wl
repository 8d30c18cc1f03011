workload seq_1000_935
file f size=4K
actor T1
  mmap m1 f off=0 len=8K sync
  load m1 0 len=8
  zero_range f 0 len=4K
  load m1 0 len=8
  load m1 0 len=8
  fsync f
  store m1 0 len=8 val=0x15
