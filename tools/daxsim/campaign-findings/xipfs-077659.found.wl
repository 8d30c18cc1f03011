workload fuzz77659
file f size=2M
actor T1
  mmap m1 f off=0 len=12K private
  load m2 0 len=8
actor T2 mm=T1
  mmap m2 f off=0 len=4M private
  store m3 0 len=16 val=0x22
  load m2 0 len=8
actor T3 mm=T1
  mmap m3 f off=0 len=2M shared
  load m2 0 len=8
  load m3 0x1ff000 len=8
  load m3 0 len=8
  store m1 0 len=8 val=0x38
actor T4
  mmap m4 f off=0 len=2M private ro
  store m4 0xc0000 len=8 val=0x48
actor T5 mm=T1
  mmap m5 f off=0 len=4K shared
  store m3 0 len=8 val=0x58
  store m2 0 len=8 val=0x57
  madvise_dontneed m3 0x1000 len=2044K
