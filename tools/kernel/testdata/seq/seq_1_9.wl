workload seq_1_9
file f size=4M unwritten=0-12K
file g size=8K unwritten=4K-8K
actor T1
  mmap m1 f off=0 len=2M shared
  store m1 0 len=8 val=0x12
  store m1 0 len=8 val=0x16
