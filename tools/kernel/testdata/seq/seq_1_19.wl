workload seq_1_19
file f size=8K
actor T1
  write f 0x1ff8 len=4K val=0x16
  fsync f
