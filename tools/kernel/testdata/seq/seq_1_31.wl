workload seq_1_31
file f size=0
actor T1
  mmap m1 f off=0 len=4K sync
  fsync f
  fsync f
  store m1 0 len=8 val=0x12
  load m1 0 len=8
  fsync f
  store m1 0xff8 len=8 val=0x11
  load m1 0 len=8
