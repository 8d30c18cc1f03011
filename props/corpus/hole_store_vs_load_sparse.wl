workload hole_store_vs_load_sparse
description "drawn by the generator (check seed 0x6e6e, workload 372 with shapes): stores and loads on the holes of a sparse 4 MiB file from two processes; kept because it found populate_hole on xipfs at 2 preemptions (1 in ~80 drawn xipfs workloads do)"
file f size=8K
file g size=4M written=3604K-3668K fill=0x1c
actor T1
  mmap m1 g off=0 len=2M shared
  load m1 0 len=8
actor T2 mm=T1
  mmap m2 f off=0 len=2M sync
  store m1 0 len=8 val=0x22
actor T3
  mmap m3 g off=0 len=8K shared
  load m3 0 len=8
  store m3 0 len=8 val=0x36
  load m3 0x1000 len=16
  load m3 0x1000 len=8
