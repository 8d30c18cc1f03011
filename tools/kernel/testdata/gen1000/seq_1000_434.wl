workload seq_1000_434
file f size=4M unwritten=3300K-3364K
actor T1
  mmap m1 f off=0 len=2M shared
  fsync f
  store m1 0x1000 len=8 val=0x18
  load m1 0 len=8
  read f 0x1000 len=8
  zero_range f 0x2a8000 len=200
  store m1 0 len=8 val=0x12
  write f 0 len=8 val=0x17
