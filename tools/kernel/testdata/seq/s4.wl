workload seq_map_sync
file f size=8K
actor A
  mmap s f len=8K sync
  store s 0 len=8 val=0x33
  clwb s 0 len=8
  sfence
  msync s 0 len=4K
