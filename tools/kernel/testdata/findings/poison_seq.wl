workload poison_seq
description "what later accesses see after MADV_HWPOISON of a DAX page"
file f size=8K written=0-8K fill=0x11
actor A
  mmap m f len=8K
  mmap p f len=8K private
  load m 0 len=8
  poison m 0
  load m 0 len=8
  load p 0 len=8
  store p 0x10 len=8 val=0x22
  load p 0 len=8
  read f 0 len=8
  load m 0x1000 len=8
