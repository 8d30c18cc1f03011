workload fuzz88707
description "drawn by the generator (check seed 0x6e6e, workload 290 with shapes): threads of one process store through a private 2 MiB mapping and a shared one of the same file while others fsync; kept because it found pmd_pte_collision (1 in ~150 drawn workloads do)"
file f size=3804K
file g size=2M
actor T1
  mmap m1 f off=0 len=2M private
  store m2 0x1000 len=8 val=0x18
actor T2 mm=T1
  fsync f
  load m1 0x1000 len=8
  store m1 0 len=8 val=0x25
actor T3 mm=T1
  mmap m2 f off=0 len=2M shared
  load m1 0x1000 len=8
  store m2 0 len=8 val=0x33
