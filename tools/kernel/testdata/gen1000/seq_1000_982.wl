workload seq_1000_982
file f size=2056K
file g size=2M unwritten=420K-460K
actor T1
  mmap m1 f off=0 len=4K shared
  store m1 0 len=8 val=0x14
  store m1 0x8e0 len=8 val=0x13
  store m1 0 len=8 val=0x13
  load m1 0 len=8
  zero_range f 0x1000 len=2M
  store m1 0 len=8 val=0x18
  store m1 0xff8 len=8 val=0x17
