workload fuzz85102
file f size=2M
file g size=1M unwritten=0-64K
actor T1
  mmap m1 f off=4K len=8K shared ro
  load m1 0 len=8
actor T2 mm=T1
  mmap m2 f off=0 len=4K shared
  poison m1 0x1000
  store m2 0 len=8 val=0x25
  load m1 0 len=8
actor T3 mm=T1
  load m2 0 len=8
actor T4
  mmap m3 f off=0 len=4K shared
  store m3 0 len=8 val=0x45
  load m3 0xff8 len=8
actor F5
  mmap F5_m5 f off=0 len=8K private ro
  write f 0 len=8K val=0x56
