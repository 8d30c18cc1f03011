workload pin_longterm
description "long-term write pins (io_uring buffer registration: pin_user_pages with FOLL_LONGTERM) of fsdax mappings are refused"
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K shared
  mmap p f len=8K private
  pin m 0 len=8K slow longterm expect=EOPNOTSUPP
  load m 0 len=8 expect=0xaa
  pin m 0 len=4K slow longterm expect=EOPNOTSUPP
  store p 0 len=8 val=0x11
  pin p 0 len=4K slow longterm expect=EOPNOTSUPP
  unpin m 0 len=4K
  truncate f 4K
  size f expect=4K
