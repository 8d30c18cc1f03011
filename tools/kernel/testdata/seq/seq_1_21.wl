workload seq_1_21
file f size=2056K
actor T1
  write f 0x1000 len=8 val=0x12
  punch f 0xb5000 len=200
