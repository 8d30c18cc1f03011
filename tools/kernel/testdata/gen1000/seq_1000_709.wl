workload seq_1000_709
file f size=8K
file g size=2M
actor T1
  mmap m1 g off=0 len=2M shared
  store m1 0x36000 len=8 val=0x15
  load m1 0x1000 len=8
  store m1 0x133b58 len=8 val=0x12
  truncate f 4K
  zero_range g 0 len=2M
  truncate g 8K
  store m1 0x1b1000 len=8 val=0x11
  truncate f 0
