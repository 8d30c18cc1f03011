workload fuzz9727
file f size=2M
file g size=4M
actor T2 mm=T1
  msync m5 0 len=8K
  crash
actor T4 mm=T1
  mmap m4 f off=0 len=2M shared
  unbind
actor T5 mm=T1
  mmap m5 f off=4K len=8K sync
  store m4 0 len=8 val=0x57

