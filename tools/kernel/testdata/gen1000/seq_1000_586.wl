workload seq_1000_586
file f size=2056K unwritten=1084K-1144K
actor T1
  mmap m1 f off=0 len=8K private
  fsync f
  load m1 0 len=8
  zero_range f 0 len=8K
  load m1 0x1ff8 len=8
  madvise_dontneed m1 0 len=4K
  store m1 0 len=8 val=0x17
