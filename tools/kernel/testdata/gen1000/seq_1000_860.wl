workload seq_1000_860
file f size=8K unwritten=0-8K
file g size=4M
actor T1
  mmap m1 f off=0 len=8K shared
  load m1 0x1000 len=8
  load m1 0 len=8
  store m1 0 len=8 val=0x16
  store m1 0 len=16 val=0x15
  load m1 0 len=8
  load m1 0 len=8
  falloc f 2M len=4K
  store m1 0 len=8 val=0x15
