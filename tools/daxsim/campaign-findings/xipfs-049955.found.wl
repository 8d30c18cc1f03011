workload fuzz49955
file f size=8K written=0-8K fill=0x39
actor T1
  mmap m1 f off=4K len=2M private
  msync m2 0x1000 len=4K
  store m3 0 len=8 val=0x13
  load m3 0xff8 len=8
actor T2 mm=T1
  read f 0x1000 len=8
  load m1 0xff8 len=8
actor T3 mm=T1
  mmap m2 f off=0 len=8K private ro
  store m1 0 len=8 val=0x35
  store m1 0 len=8 val=0x37
  load m3 0 len=8
  load m1 0 len=8
actor T4 mm=T1
  mmap m3 f off=0 len=4K private
  store m2 0 len=8 val=0x44
  poison m2 0
