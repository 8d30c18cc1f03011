workload seq_1000_416
file f size=2M
file g size=8K
actor T1
  mmap m1 g off=0 len=4K shared
  store m1 0 len=8 val=0x13
  falloc g 0x2000 len=200
  store m1 0 len=8 val=0x15
  load m1 0xff8 len=8
  truncate f 8K
  load m1 0x160 len=16
  store m1 0x138 len=8 val=0x11
