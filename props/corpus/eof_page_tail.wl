workload eof_page_tail
description "stores past EOF inside the EOF page, truncate down and up, reads at the edge"
file f size=5000 written=0-8K fill=0x5a
actor M
  mmap m f len=8K shared
  store m 5000 len=8 val=0x11
  load m 4096 len=8
actor T
  truncate f 4100
  truncate f 12K
  read f 4090 len=16
