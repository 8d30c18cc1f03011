workload seq_1_35
file f size=8K
actor T1
  mmap m1 f off=0 len=8K private
  madvise_dontneed m1 0 len=4K
  store m1 0 len=8 val=0x12
  store m1 0 len=8 val=0x14
  write f 0x1000 len=8 val=0x11
  truncate f 4K
