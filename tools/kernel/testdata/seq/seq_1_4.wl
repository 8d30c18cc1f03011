workload seq_1_4
file f size=504K
file g size=2M written=888K-952K fill=0x85
actor T1
  mmap m1 f off=0 len=8K private
  store m1 0 len=8 val=0x12
  load m1 0x1000 len=8
  msync m1 0 len=4K
  store m1 0x1000 len=8 val=0x11
  load m1 0x1000 len=16
  load m1 0xff8 len=8
