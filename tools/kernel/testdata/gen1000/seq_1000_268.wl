workload seq_1000_268
file f size=2M unwritten=0-64K
actor T1
  mmap m1 f off=0 len=2M shared
  mmap m2 f off=0 len=2M private
  store m2 0x73000 len=16 val=0x14
  store m1 0 len=8 val=0x16
  mmap m3 f off=0 len=4M shared
  write f 0x136000 len=8 val=0x18
  zero_range f 0 len=4K
  store m3 0 len=8 val=0x14
