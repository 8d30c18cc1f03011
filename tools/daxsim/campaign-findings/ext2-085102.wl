workload fuzz85102
file f size=2M
file g size=1M
actor T1
  mmap m1 f off=4K len=8K shared ro
actor T2 mm=T1
  mmap m2 f off=0 len=4K shared
  store m2 0 len=8 val=0x25
  load m1 0 len=8
actor F5
  write f 0 len=8K val=0x56
