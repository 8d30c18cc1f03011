workload fuzz82653
file f size=2056K
file g size=4K written=0-4K fill=0xe2
actor T1
  load m3 0 len=8
actor T4 mm=T1
  mmap m3 g off=0 len=4K private
  store m3 0xd58 len=8 val=0x4b
actor T5
  mmap m4 g off=0 len=4M private
  poison m4 0
