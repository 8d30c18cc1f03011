workload seq_1_5
file f size=12K
file g size=12K written=0-12K fill=0x2c
actor T1
  mmap m1 f off=4K len=4K shared
  store m1 0 len=8 val=0x11
  madvise_dontneed m1 0 len=4K
  store m1 0 len=8 val=0x18
  write f 0x1000 len=8 val=0x11
  punch f 0 len=4K
  load m1 0 len=16
  truncate f 4K
  store m1 0 len=8 val=0x12
