workload seq_1000_565
file f size=8K
actor T1
  mmap m1 f off=0 len=2M private
  punch f 0 len=4K
  load m1 0 len=8
  zero_range f 0x1000 len=4K
  zero_range f 0 len=200
