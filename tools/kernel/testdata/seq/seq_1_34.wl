workload seq_1_34
file f size=4M
file g size=2M written=608K-672K fill=0x76
actor T1
  sfence
