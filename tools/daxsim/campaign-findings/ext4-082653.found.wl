workload fuzz82653
file f size=2056K written=1620K-1684K fill=0x1d
file g size=4K written=0-4K fill=0xe2
actor T1
  load m3 0 len=8
  load m3 0 len=8
  store m3 0x9e0 len=8 val=0x18
  load m3 0 len=8
actor T2
  mmap m1 g off=0 len=4K shared ro
  store m1 0xff8 len=8 val=0x29
  store m2 0xff8 len=8 val=0x25
  store m1 0 len=8 val=0x23
actor T3 mm=T2
  mmap m2 g off=0 len=2M private
  madvise_dontneed m1 0 len=4K
actor T4 mm=T1
  mmap m3 g off=0 len=4K private
  store m3 0xd58 len=8 val=0x4b
actor T5
  mmap m4 g off=0 len=4M private
  store m4 0x3b1000 len=8 val=0x5b
  load m4 0 len=8
  poison m4 0
