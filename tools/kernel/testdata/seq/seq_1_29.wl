workload seq_1_29
file f size=4K
file g size=8K written=4K-8K fill=0x47
actor T1
  mmap m1 g off=0 len=4K shared
  store m1 0 len=8 val=0x17
