workload seq_1000_318
file f size=4K
file g size=4M
actor T1
  mmap m1 f off=0 len=8K shared
  load m1 0xc18 len=8
  load m1 0 len=8
  zero_range f 0x1000 len=2M
  store m1 0x1ff8 len=8 val=0x16
  read f 0x1000 len=8
  msync m1 0 len=4K
  punch f 0 len=8K
