// The get_block_t of each filesystem, for the buffer_head DAX front end. Mirrors: fs/ext2/inode.c
// ext2_get_block() -> ext2_get_blocks() (new blocks zeroed with sb_issue_zeroout for DAX),
// fs/ext4/inode.c ext4_dax_get_block() (EXT4_GET_BLOCKS_CREATE_ZERO: allocate unwritten, zero,
// convert), and for xfs, migration option 3's translation of its block map into a buffer_head
// (xfs_get_blocks() of v4.8 with direct=true, zeroing new blocks). A lookup takes the block map
// lock shared; an allocation goes through the filesystem's allocating transaction.
// Scheduling points: the block map lock, and the allocation.
#include <algorithm>

#include "sim/fs/fs.h"

namespace daxsim::fs {

using namespace vm;

class FsGetBlockOps : public dax::GetBlockOps {
 public:
  explicit FsGetBlockOps(Filesystem* fs) : fs_(fs) {}

  sim::Task<int> GetBlock(dax::DaxInode& inode, uint64_t iblock, dax::BufferHead* bh,
                          bool create) override {
    static constexpr const char* kNames[] = {"xfs_get_blocks", "ext4_dax_get_block",
                                             "ext2_get_block", "xipfs_get_block"};
    auto _ = fs_->sim().Enter(kNames[static_cast<int>(fs_->params().kind)]);
    Inode& ip = static_cast<Inode&>(inode);
    const uint64_t pos = iblock << PAGE_SHIFT;
    co_await ip.ilock.DownRead();
    dax::Iomap m = BmbtToIomap(ip, pos, bh->b_size);
    co_await ip.ilock.UpRead();
    if (m.type == dax::IomapType::kMapped) {
      Fill(m, bh, false);
      co_return 0;
    }
    if (!create) {  // holes and unwritten extents read as zeroes: not mapped
      bh->mapped = false;
      bh->b_size = std::max<uint64_t>(m.length, PAGE_SIZE);
      co_return 0;
    }
    Extent e;
    const uint64_t count = std::max<uint64_t>(bh->b_size >> PAGE_SHIFT, 1);
    const int err =
        co_await fs_->AllocBlocks(&ip, iblock, count, !fs_->params().bugs(Bug::kUnzeroedNewBlocks),
                                  /*unwritten=*/false, &e, /*first_only=*/true);
    if (err < 0) co_return err;
    co_await ip.ilock.DownRead();
    m = BmbtToIomap(ip, pos, bh->b_size);
    co_await ip.ilock.UpRead();
    if (m.type != dax::IomapType::kMapped) co_return -5;  // raced with a truncate: -EIO
    Fill(m, bh, true);
    co_return 0;
  }

 private:
  static void Fill(const dax::Iomap& m, dax::BufferHead* bh, bool fresh) {
    bh->mapped = true;
    bh->new_ = fresh;
    bh->unwritten = false;
    bh->b_blocknr = m.block;
    bh->b_size = std::min(bh->b_size, m.length);
  }

  Filesystem* fs_;
};

std::unique_ptr<dax::GetBlockOps> MakeGetBlockOps(Filesystem* fs) {
  return std::make_unique<FsGetBlockOps>(fs);
}

}  // namespace daxsim::fs
