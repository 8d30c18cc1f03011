workload seq_1_24
file f size=2M
file g size=2M written=0-24K fill=0x9a
actor T1
  punch f 0 len=8K
  punch f 0 len=2M
