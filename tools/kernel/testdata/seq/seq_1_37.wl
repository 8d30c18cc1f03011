workload seq_1_37
file f size=1988K
file g size=12K written=4K-12K fill=0x57
actor T1
  mmap m1 f off=0 len=2M private
  fsync f
  fsync f
  store m1 0 len=8 val=0x15
