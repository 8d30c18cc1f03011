workload seq_1_30
file f size=8K
actor T1
  mmap m1 f off=0 len=2M private
  truncate f 0x2064
  store m1 0 len=8 val=0x16
  load m1 0x1000 len=8
  load m1 0x1ff000 len=8
