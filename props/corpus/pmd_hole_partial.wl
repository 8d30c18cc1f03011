workload pmd_hole_partial
description "found by daxsim fuzz: a PMD read fault over a range whose first page is a hole (populate_pfns mapped the huge zero page over data)"
file f size=2M written=0-8K fill=0xaa
actor S
  punch f 0 len=4K
actor F5
  mmap F5_m2 f off=0 len=4M private ro
  load F5_m2 0x1000 len=8
