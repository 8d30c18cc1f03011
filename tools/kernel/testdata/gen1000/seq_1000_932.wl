workload seq_1000_932
file f size=2056K
file g size=1M
actor T1
  mmap m1 f off=0 len=2M private
  store m1 0x1ffff8 len=8 val=0x12
  load m1 0 len=8
  falloc f 2M len=4K
  store m1 0 len=8 val=0x16
  falloc f 0x1000 len=4K
  punch f 0 len=8K
  fsync g
