workload fuzz64309
file f size=0x1acb73
file g size=2M written=0-64K fill=0x72
actor T1
  store m1 0 len=16 val=0x13
  read f 0x1000 len=8
  badblock f 0
actor T2 mm=T1
  mmap m1 f off=0 len=4K shared
  fsync f
  load m1 0 len=8
  write g 0x1ffff8 len=16 val=0x24
  write f 0 len=8 val=0x27
actor T3 mm=T1
  punch g 0x157000 len=4K
  load m1 0 len=8
  load m1 0 len=8
