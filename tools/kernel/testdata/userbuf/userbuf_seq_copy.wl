workload userbuf_seq_copy
description "read(2) and write(2) with a DAX mapping as the buffer: holes, private and read-only destinations"
file f size=8K written=0-8K fill=0xaa
file g size=4M
actor A
  mmap m f len=8K shared
  mmap n g len=4M shared
  mmap p f len=8K private
  mmap r f len=8K ro
  store m 0x10 len=8 val=0x11
  write g 0 len=64 from=m+0 ret=64
  read g 0 len=32 to=m+0x1000 ret=32
  load m 0x1000 len=32
  read f 0 len=4K to=n+2M ret=4096
  load n 0x200010 len=8 expect=0x11
  read f 0 len=8K to=p+0 ret=8192
  load p 0x1000 len=8
  read f 0 len=8 to=r+0 expect=EFAULT
  write f 0x1000 len=4K from=n+0x100000 ret=4096
  read f 0x1000 len=8 expect=0
