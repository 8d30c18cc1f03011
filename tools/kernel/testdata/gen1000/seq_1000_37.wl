workload seq_1000_37
file f size=1M
actor T1
  mmap m1 f off=0 len=2M shared
  load m1 0x1000 len=16
  falloc f 0 len=2M
  store m1 0xff000 len=8 val=0x15
  load m1 0xff000 len=8
  load m1 0 len=8
  msync m1 0x1000 len=2044K
  load m1 0x1000 len=8
