workload userbuf_vs_truncate
description "write(2) from a mapping of the file it writes races truncate of that file"
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K shared
  barrier b
  write f 0 len=8K from=m+0
  read f 0 len=8K to=m+0
actor B
  barrier b
  truncate f 4K
  size f
