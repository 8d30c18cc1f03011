workload seq_1_33
file f size=256K unwritten=0-32K
actor T1
  sfence
