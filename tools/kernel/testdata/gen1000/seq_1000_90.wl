workload seq_1000_90
file f size=8K written=0-8K fill=0xcc
file g size=4M unwritten=2504K-2544K
actor T1
  mmap m1 f off=0 len=12K private
  load m1 0 len=16
  write f 0 len=8 val=0x12
  write f 0 len=8 val=0x11
  truncate f 4K
  store m1 0 len=8 val=0x16
  truncate f 8K
  store m1 0 len=8 val=0x13
  zero_range f 0 len=8K
