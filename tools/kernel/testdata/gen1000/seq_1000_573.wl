workload seq_1000_573
file f size=2056K
file g size=1M
actor T1
  mmap m1 f off=0 len=2M private ro
  load m1 0x117098 len=16
  store m1 0 len=8 val=0x17
  falloc f 0 len=8K
  load m1 0 len=8
  load m1 0 len=8
  load m1 0x82000 len=16
