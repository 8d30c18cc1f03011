workload seq_truncate_down_up
file f size=16K written=0-16K fill=0xaa
actor A
  mmap m f len=16K shared
  load m 0x3000 len=4
  truncate f 6000
  load m 0x3000 len=4
  load m 0x1000 len=8
  truncate f 16K
  load m 0x3000 len=4
  read f 0x1700 len=16
