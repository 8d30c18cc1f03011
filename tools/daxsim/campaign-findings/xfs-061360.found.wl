workload fuzz61360
file f size=2M written=0-52K fill=0x38
file g size=2056K unwritten=656K-660K
actor T1
  load m3 0 len=8
  store m2 0x79000 len=8 val=0x11
  store m3 0 len=8 val=0x17
  load m2 0x1000 len=8
actor T2 mm=T1
  mmap m1 f off=0 len=8K private
  read f 0 len=4K
  load m2 0 len=8
  badblock f 0
actor T3 mm=T1
  mmap m2 f off=0 len=2M private
  load m3 0 len=8
  store m2 0 len=8 val=0x35
  truncate f 0x200064
  store m3 0 len=16 val=0x3a
actor T4 mm=T1
  mmap m3 f off=0 len=8K private
  load m1 0 len=8
  badblock f 0
actor T5 mm=T1
  madvise_dontneed m3 0 len=8K
  load m3 0 len=16
  store m2 0 len=8 val=0x5a
  store m1 0 len=8 val=0x56
