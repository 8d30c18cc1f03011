workload seq_1000_618
file f size=2M
file g size=2516K unwritten=0-48K
actor T1
  mmap m1 f off=0 len=2M shared ro
  store m1 0 len=8 val=0x11
  load m1 0 len=8
  zero_range f 0 len=4K
  store m1 0 len=8 val=0x13
  load m1 0 len=8
