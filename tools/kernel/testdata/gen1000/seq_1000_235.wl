workload seq_1000_235
file f size=8K
file g size=8K written=0-4K fill=0xf2
actor T1
  mmap m1 g off=4K len=8K shared
  store m1 0 len=8 val=0x13
  falloc g 0x1000 len=8K
  store m1 0 len=8 val=0x17
  msync m1 0 len=4K
