workload seq_1_23
file f size=4K
file g size=12K
actor T1
  write f 0 len=8 val=0x16
  read f 0 len=8
  write f 0xff8 len=8 val=0x14
