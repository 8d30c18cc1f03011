workload unbind_seq
description "does unbind unmap an existing DAX mapping, and what do later accesses see"
file f size=8K written=0-8K fill=0x11
actor A
  mmap m f len=8K
  load m 0 len=8 expect=0x11
  unbind
  load m 0 len=8
  load m 0x1000 len=8
  store m 0 len=8 val=0x22
  read f 0 len=8
  write f 0x1000 len=8 val=0x33
  fsync f
  size f
