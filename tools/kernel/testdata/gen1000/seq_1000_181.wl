workload seq_1000_181
file f size=4M
actor T1
  mmap m1 f off=4K len=2M shared
  store m1 0x1000 len=8 val=0x11
  falloc f 0x3bb000 len=8K
  store m1 0 len=16 val=0x16
  read f 0xff8 len=8
  read f 0x1000 len=8
  load m1 0 len=8
  load m1 0x167000 len=8
  zero_range f 0 len=4K
