workload seq_1000_275
file f size=12K
file g size=8K
actor T1
  mmap m1 f off=0 len=8K shared
  load m1 0 len=8
  zero_range f 0x1000 len=200
  store m1 0 len=8 val=0x14
  falloc g 0 len=8K
  msync m1 0 len=4K
  write g 0 len=4K val=0x17
  load m1 0x1000 len=8
  zero_range f 0x1000 len=8K
