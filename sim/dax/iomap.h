// The iomap interface between a filesystem and DAX: an extent description (hole, mapped,
// unwritten; NEW when blocks were just allocated, DIRTY when the inode's metadata is not yet
// durable) and the ->iomap_begin/->iomap_end operations. DaxInode is what fs/dax.c needs of a
// struct inode. Mirrors: include/linux/iomap.h (6.1).
#pragma once

#include <cstdint>

#include "sim/sim.h"
#include "sim/vm/mm.h"

namespace daxsim::dax {

enum class IomapType : uint8_t { kHole, kMapped, kUnwritten };
const char* IomapTypeName(IomapType t);

// iomap->flags
inline constexpr uint32_t IOMAP_F_NEW = 0x01;
inline constexpr uint32_t IOMAP_F_DIRTY = 0x02;
// iomap_begin flags
inline constexpr uint32_t IOMAP_WRITE = 0x01;
inline constexpr uint32_t IOMAP_ZERO = 0x02;
inline constexpr uint32_t IOMAP_FAULT = 0x08;
inline constexpr uint32_t IOMAP_DAX = 0x80;

struct Iomap {
  uint64_t offset = 0;  // file byte offset of the extent
  uint64_t length = 0;  // bytes
  uint64_t block = 0;   // first device block (pmem page offset) of `offset`, for kMapped
  IomapType type = IomapType::kHole;
  uint32_t flags = 0;
  uint64_t Digest() const {  // sim::CallSummary results
    const uint64_t kind = static_cast<uint64_t>(type) | uint64_t{flags} << 8;
    return sim::Mix(sim::Mix(sim::Mix(sim::Mix(offset, length), block), kind), 0x10a9);
  }
};

class DaxInode {
 public:
  virtual ~DaxInode() = default;
  virtual uint64_t ino() const = 0;
  virtual vm::AddressSpace& mapping() = 0;
  // i_size_read(): callers declare a read of size_object() at their scheduling point.
  virtual uint64_t i_size() const = 0;
  virtual sim::ObjectId size_object() const = 0;
};

class IomapOps {
 public:
  virtual ~IomapOps() = default;
  // Returns 0 or -errno; fills `iomap` with the extent containing `pos` (at most `len` bytes).
  virtual sim::Task<int> IomapBegin(DaxInode& inode, uint64_t pos, uint64_t len, uint32_t flags,
                                    Iomap* iomap) = 0;
  virtual sim::Task<int> IomapEnd(DaxInode& inode, uint64_t pos, uint64_t len, uint64_t written,
                                  uint32_t flags, const Iomap& iomap) {
    co_return 0;
  }
};

}  // namespace daxsim::dax
