workload seq_1_6
file f size=12K unwritten=8K-12K
file g size=4M written=0-52K fill=0x3f
actor T1
  sfence
