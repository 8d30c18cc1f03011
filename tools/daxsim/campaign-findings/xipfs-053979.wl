workload fuzz53979
file f size=8K
actor T1
  mmap m1 f off=0 len=4K shared ro
actor T4 mm=T1
  store m1 0 len=8 val=0x46
  fsync f
  crash
actor T5 mm=T2
  truncate f 0x2064

