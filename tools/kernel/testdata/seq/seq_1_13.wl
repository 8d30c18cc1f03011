workload seq_1_13
file f size=0
file g size=0
actor T1
  sfence
