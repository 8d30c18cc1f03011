workload pin_seq_hole
description "a read pin of a hole maps the zero page; write(2) then allocates the block under it"
file f size=4M
actor A
  mmap m f len=4M shared
  pin m 0x1000 len=4K ro expect=ok
  write f 0x1000 len=8 val=0x22 ret=8
  load m 0x1000 len=8 expect=0x22
  unpin m 0x1000 len=4K
  pin m 2M len=2M ro expect=ok
  load m 0x200000 len=8 expect=0
  unpin m 2M len=2M
