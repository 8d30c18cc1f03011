workload seq_private_cow
file f size=8K written=0-8K fill=0x5a
actor A
  mmap p f len=8K private
  load p 0 len=4
  store p 0 len=4 val=0x01
  write f 0 len=8 val=0x02
  load p 0 len=8
  load p 0x1000 len=4
  punch f 0x1000 len=4K
  load p 0x1000 len=4
