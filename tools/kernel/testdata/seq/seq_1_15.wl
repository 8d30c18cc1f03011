workload seq_1_15
file f size=8K unwritten=0-8K
file g size=4M
actor T1
  mmap m1 f off=0 len=8K private
  truncate f 0
  load m1 0 len=8
  store m1 0 len=8 val=0x12
  store m1 0 len=8 val=0x12
  load m1 0 len=8
  fsync f
  store m1 0 len=8 val=0x15
