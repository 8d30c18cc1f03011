workload seq_1000_490
file f size=1372K
file g size=0
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0 len=8 val=0x11
  load m1 0x61000 len=8
  store m1 0 len=8 val=0x13
  fsync f
  falloc f 0 len=4K
  store m1 0 len=8 val=0x16
  store m1 0 len=8 val=0x18
  store m1 0 len=8 val=0x12
