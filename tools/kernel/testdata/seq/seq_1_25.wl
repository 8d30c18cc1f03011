workload seq_1_25
file f size=2M
actor T1
  mmap m1 f off=0 len=8K private
  madvise_dontneed m1 0x1000 len=4K
  store m1 0x1000 len=8 val=0x12
  store m1 0xff8 len=16 val=0x14
  store m1 0x1000 len=8 val=0x11
