workload seq_1000_530
file f size=2M
file g size=2056K
actor T1
  mmap m1 g off=4K len=2M shared
  load m1 0xde000 len=8
  store m1 0x1000 len=8 val=0x18
  load m1 0x3c000 len=8
  load m1 0x1000 len=8
  zero_range g 0 len=8K
  store m1 0 len=8 val=0x12
