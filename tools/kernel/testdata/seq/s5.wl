workload seq_pmd_written
file f size=2M written=0-2M fill=0x77
actor A
  mmap m f len=2M shared
  load m 0x1000 len=8
  store m 0x2000 len=8 val=0x01
  fsync f
