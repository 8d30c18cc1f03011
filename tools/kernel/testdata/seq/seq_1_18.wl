workload seq_1_18
file f size=2M
actor T1
  mmap m1 f off=0 len=8K shared
  store m1 0 len=8 val=0x15
  truncate f 0
  load m1 0 len=8
  load m1 0 len=8
  store m1 0 len=16 val=0x11
  write f 0 len=16 val=0x11
  store m1 0 len=8 val=0x12
