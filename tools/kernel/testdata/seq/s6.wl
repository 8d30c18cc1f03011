workload seq_pmd_hole
file f size=4M
actor A
  mmap m f len=4M shared ro
  load m 0 len=8
  load m 0x200000 len=8
