workload pin_vs_truncate
description "truncate waits for a read-pinned page (break layouts), dropping its lock so that the pinning thread's write fault goes on"
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K shared
  pin m 0x1000 len=4K ro expect=ok
  barrier b
  store m 0x1000 len=8 val=0x11 expect=ok
  load m 0x1000 len=8 expect=0x11
  unpin m 0x1000 len=4K
  load m 0x1000 len=8
actor B
  barrier b
  truncate f 4K expect=ok
  size f expect=4K
