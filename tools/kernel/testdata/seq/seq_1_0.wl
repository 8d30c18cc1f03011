workload seq_1_0
file f size=12K written=0-12K fill=0xd7
file g size=2056K unwritten=1772K-1792K
actor T1
  sfence
