workload seq_1000_798
file f size=2M written=1692K-1732K fill=0x04
file g size=2M
actor T1
  mmap m1 f off=0 len=2M private
  store m1 0 len=8 val=0x13
  punch f 0 len=4K
  store m1 0 len=8 val=0x18
  zero_range f 0 len=4K
  punch f 0 len=4K
  store m1 0 len=8 val=0x16
  load m1 0x1000 len=8
  zero_range f 0 len=200
