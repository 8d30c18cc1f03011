workload seq_1000_526
file f size=2M
actor T1
  mmap m1 f off=0 len=4K private
  load m1 0xff8 len=8
  msync m1 0 len=4K
  store m1 0 len=16 val=0x12
  store m1 0 len=8 val=0x18
  zero_range f 0 len=2M
  load m1 0 len=8
  store m1 0 len=8 val=0x17
