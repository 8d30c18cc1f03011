workload seq_1000_128
file f size=8K written=0-8K fill=0x2e
actor T1
  mmap m1 f off=0 len=4K shared
  load m1 0 len=8
  store m1 0xda8 len=16 val=0x14
  truncate f 0
  madvise_dontneed m1 0 len=4K
  madvise_dontneed m1 0 len=4K
  store m1 0 len=8 val=0x14
