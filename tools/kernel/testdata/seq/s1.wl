workload seq_hole_read_then_write
file f size=8K
actor A
  mmap m f len=8K shared
  load m 0 len=8
  store m 0x1000 len=8 val=0x11
  load m 0x1000 len=8
  fsync f
