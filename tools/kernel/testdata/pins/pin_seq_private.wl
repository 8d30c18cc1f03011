workload pin_seq_private
description "a read pin of a private mapping pins the file's page; a later store copies it"
file f size=8K written=0-8K fill=0xaa
actor A
  mmap p f len=8K private
  mmap r f len=8K ro
  pin p 0 len=4K ro expect=ok
  pin r 0x1000 len=4K ro expect=ok
  store p 0 len=8 val=0x33
  load p 0 len=8 expect=0x33
  read f 0 len=8 expect=0xaa
  unpin p 0 len=4K
  unpin r 0x1000 len=4K
