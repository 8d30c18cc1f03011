workload seq_1000_108
file f size=8K
actor T1
  mmap m1 f off=0 len=4K shared ro
  mmap m2 f off=0 len=4K private
  zero_range f 0 len=200
  load m1 0 len=8
  store m1 0 len=8 val=0x17
  zero_range f 0 len=200
  load m1 0 len=8
  store m1 0 len=8 val=0x15
  zero_range f 0x1000 len=4K
