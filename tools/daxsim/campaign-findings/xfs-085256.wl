workload fuzz85256
file f size=2056K
file g size=8K
actor T1
  load m2 0 len=8
  load m2 0 len=8
actor T2 mm=T1
  mmap m1 g off=0 len=8K private
  store m1 0x1000 len=8 val=0x28
  write f 0 len=4K val=0x22
actor T3 mm=T1
  mmap m2 g off=0 len=4K shared
  store m3 0 len=8 val=0x3a
actor T4 mm=T1
  mmap m3 f off=0 len=2M shared
  store m1 0x1000 len=8 val=0x48
  load m3 0x1000 len=8
  sfence
actor T5 mm=T1
  sfence
  load m3 0xff8 len=8
  store m1 0 len=8 val=0x58
