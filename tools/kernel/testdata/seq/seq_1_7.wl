workload seq_1_7
file f size=2M written=0-64K fill=0x5e
actor T1
  sfence
