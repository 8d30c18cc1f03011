workload seq_1_20
file f size=8K
file g size=3192K
actor T1
  sfence
