workload seq_1_27
file f size=1236K
actor T1
  read f 0x1ffff8 len=8
