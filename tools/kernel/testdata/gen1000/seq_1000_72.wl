workload seq_1000_72
file f size=2M written=0-64K fill=0x87
file g size=4M
actor T1
  mmap m1 f off=0 len=8K sync
  load m1 0 len=8
  load m1 0 len=8
  store m1 0xff8 len=8 val=0x11
  store m1 0 len=8 val=0x17
  load m1 0 len=16
  falloc f 0x1000 len=4K
  store m1 0xff8 len=8 val=0x17
