workload seq_1000_136
file f size=2M
file g size=2M
actor T1
  mmap m1 f off=4K len=2M shared
  store m1 0xff8 len=8 val=0x16
  store m1 0x1fe000 len=8 val=0x13
  store m1 0 len=8 val=0x11
  store m1 0xff8 len=8 val=0x18
  zero_range f 0x1000 len=4K
