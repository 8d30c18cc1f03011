workload seq_1_22
file f size=2M
actor T1
  mmap m1 f off=0 len=4K private
  clwb m1 0 len=4K
  sfence
  store m1 0 len=8 val=0x15
  mmap m2 f off=0 len=8K shared
  munmap m2
  fsync f
  store m1 0 len=8 val=0x18
  load m1 0 len=8
  clwb m1 0 len=4K
  sfence
