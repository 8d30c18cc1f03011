workload seq_1_28
file f size=0
file g size=4M
actor T1
  sfence
