workload seq_1_16
file f size=2M unwritten=792K-824K
file g size=4M
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0 len=8 val=0x16
  mmap m2 f off=0 len=4K shared
  load m2 0 len=8
  store m2 0 len=8 val=0x13
  store m2 0 len=8 val=0x17
  load m1 0 len=8
