workload fuzz49955
file f size=8K written=0-8K fill=0x39
actor T1
  store m3 0 len=8 val=0x13
  load m3 0xff8 len=8
actor T3 mm=T1
  mmap m2 f off=0 len=8K private ro
  load m3 0 len=8
actor T4 mm=T1
  mmap m3 f off=0 len=4K private
  poison m2 0
