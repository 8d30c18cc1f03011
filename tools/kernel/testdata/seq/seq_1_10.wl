workload seq_1_10
file f size=2M
file g size=0
actor T1
  mmap m1 f off=0 len=4K private ro
  store m1 0 len=8 val=0x15
  truncate f 0
  store m1 0 len=8 val=0x16
  truncate f 100
  store m1 0 len=8 val=0x17
