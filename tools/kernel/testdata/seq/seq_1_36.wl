workload seq_1_36
file f size=4K unwritten=0-4K
file g size=3036K
actor T1
  mmap m1 g off=4K len=4K private
  load m1 0 len=8
  store m1 0 len=8 val=0x18
  load m1 0xff8 len=8
  store m1 0 len=8 val=0x13
  store m1 0 len=8 val=0x16
  store m1 0 len=8 val=0x14
  store m1 0 len=8 val=0x16
  store m1 0xff8 len=8 val=0x16
