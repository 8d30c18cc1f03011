workload userbuf_seq_eof
description "a buffer page beyond its file's EOF ends the copy: short counts and EFAULT"
file f size=8K written=0-8K fill=0xaa
file g size=4K written=0-4K fill=0xbb
actor A
  mmap n g len=8K shared
  write f 0 len=8K from=n+0 ret=4096
  read f 0 len=4K expect=0xbb ret=4096
  read f 4K len=8 expect=0xaa
  write f 0 len=8 from=n+0x1000 expect=EFAULT
  read f 0 len=8K to=n+0 ret=4096
  load n 0 len=8 expect=0xbb
  truncate g 0
  read f 0 len=8 to=n+0 expect=EFAULT
  size f expect=8K
