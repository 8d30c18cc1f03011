workload pin_seq_truncate
description "read pins (vmsplice) fault pages in, hold them across loads and end before a truncate"
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K shared
  pin m 0 len=8K ro expect=ok
  load m 0x1000 len=8 expect=0xaa
  store m 0x1000 len=8 val=0x11
  unpin m 0 len=8K
  truncate f 4K
  load m 0x1000 len=8 expect=SIGBUS
  pin m 0x1000 len=4K ro expect=EFAULT
  pin m 0 len=4K ro expect=ok
  read f 0 len=8 expect=0xaa
  unpin m 0 len=4K
  size f expect=4K
