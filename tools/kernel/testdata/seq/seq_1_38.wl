workload seq_1_38
file f size=0
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0x1000 len=8 val=0x15
  truncate f 1M
