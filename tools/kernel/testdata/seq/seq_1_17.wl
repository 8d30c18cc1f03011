workload seq_1_17
file f size=8K
file g size=2056K
actor T1
  mmap m1 f off=0 len=4K shared ro
  store m1 0 len=8 val=0x11
  clwb m1 0 len=4K
  sfence
  store m1 0 len=8 val=0x12
  load m1 0 len=8
