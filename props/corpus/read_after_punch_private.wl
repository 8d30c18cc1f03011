workload read_after_punch_private
description "a private copy survives a hole punch of the shared file; a shared mapping sees the hole"
file f size=8K written=0-8K fill=0xaa
actor P
  mmap p f len=8K private
  store p 0 len=8 val=0x11
  load p 0 len=8
actor S
  mmap s f len=8K shared
  punch f 0 len=4K
  load s 0 len=8
actor W
  write f 4K len=8 val=0x22
  truncate f 6000
