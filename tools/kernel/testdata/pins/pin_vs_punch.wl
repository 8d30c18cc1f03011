workload pin_vs_punch
description "hole punch waits for a read-pinned page of another process"
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K shared
  pin m 0 len=8K ro expect=ok
  barrier b
  load m 0 len=8 expect=0xaa
  unpin m 0 len=8K
  load m 0 len=8
actor B
  barrier b
  punch f 0 len=4K expect=ok
  read f 0 len=8
