// The buffer_head era interface between a filesystem and DAX: a get_block_t maps (and with
// `create`, allocates) the blocks under a file block and describes them in a buffer_head.
// Mirrors: include/linux/buffer_head.h, include/linux/fs.h get_block_t (v4.8).
#pragma once

#include <cstdint>

#include "sim/dax/iomap.h"
#include "sim/sim.h"

namespace daxsim::dax {

struct BufferHead {
  uint64_t b_blocknr = 0;  // first device block, when mapped
  uint64_t b_size = 0;     // bytes asked for; the filesystem shrinks it to what it mapped
  bool mapped = false;     // BH_Mapped
  bool new_ = false;       // BH_New: just allocated (DAX filesystems zero it before returning)
  bool unwritten = false;  // BH_Unwritten (a DAX get_block must never return one)
};

class GetBlockOps {
 public:
  virtual ~GetBlockOps() = default;
  // get_block(inode, iblock, bh, create): 0 or -errno. Unmapped bh on a hole without create.
  virtual sim::Task<int> GetBlock(DaxInode& inode, uint64_t iblock, BufferHead* bh,
                                  bool create) = 0;
};

}  // namespace daxsim::dax
