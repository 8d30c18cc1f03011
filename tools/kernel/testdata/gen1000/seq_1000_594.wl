workload seq_1000_594
file f size=4K
file g size=4M
actor T1
  mmap m1 f off=0 len=2M sync
  load m1 0 len=8
  write f 0 len=8 val=0x15
  zero_range f 0 len=4K
  fsync f
  store m1 0 len=16 val=0x13
  fsync f
  read f 0 len=8
  read f 0x1000 len=8
