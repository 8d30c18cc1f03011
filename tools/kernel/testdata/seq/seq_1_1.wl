workload seq_1_1
file f size=2M written=0-36K fill=0xfd
file g size=2M unwritten=1776K-1788K
actor T1
  mmap m1 f off=0 len=2M private
  load m1 0x1ff000 len=8
  store m1 0 len=8 val=0x14
  clwb m1 0 len=8K
  sfence
  store m1 0 len=8 val=0x18
  store m1 0xff8 len=8 val=0x18
  load m1 0xff8 len=8
  store m1 0x89ba0 len=8 val=0x16
  store m1 0 len=8 val=0x17
