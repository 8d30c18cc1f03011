workload seq_falloc_zero_punch
file f size=8K written=0-4K fill=0x11
actor A
  falloc f 0x2000 len=8K
  zero_range f 0 len=4K
  read f 0 len=8
  mmap m f len=16K shared
  store m 0x3000 len=4 val=0x44
  punch f 0x3000 len=4K
  load m 0x3000 len=4
  madvise_dontneed m 0 len=16K
  load m 0 len=4
