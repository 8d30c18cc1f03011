workload seq_1_26
file f size=4K written=0-4K fill=0x74
file g size=2M
actor T1
  mmap m1 f off=0 len=8K private
  zero_range f 0 len=8K
  mmap m2 f off=0 len=8K shared ro
  load m1 0 len=8
  store m2 0x1000 len=8 val=0x15
  store m2 0x1000 len=8 val=0x16
  load m2 0 len=8
  store m2 0 len=8 val=0x14
  store m1 0 len=8 val=0x14
