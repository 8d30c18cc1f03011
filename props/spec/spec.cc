// The rules of the reference semantics, one function per family of calls. Each rule names the
// man page or kernel function it follows (Linux 6.1).
#include "props/spec/spec.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace daxsim::props::spec {

namespace {

constexpr int64_t kEopnotsupp = -95;

uint64_t PagesOf(uint64_t size) { return (size + kPage - 1) / kPage; }
uint64_t PageUp(uint64_t x) { return PagesOf(x) * kPage; }

bool Fail(std::string* why, const std::string& what) {
  if (why != nullptr) *why = what;
  return false;
}

// Bytes of [lo, hi) that a filesystem may zero or leave: what is not zero becomes unknown.
void Unsettle(File& f, uint64_t lo, uint64_t hi) {
  const std::vector<uint16_t> v = f.bytes.Get(lo, hi);
  for (uint64_t i = 0; i < v.size(); ++i) {
    if (v[i] != 0) f.bytes.Fill(lo + i, lo + i + 1, kUnknown);
  }
}

// A file grows from `old_size`: the old EOF page's tail may hold what stores through a mapping
// left past EOF. xfs zeroes it (xfs_setattr_size() / xfs_file_write_checks() call
// xfs_zero_range() from the old size); ext2 and ext4 do not always: such bytes are unknown.
void Grow(File& f, uint64_t new_size) {
  if (new_size <= f.size) return;
  Unsettle(f, f.size, PageUp(f.size));
  f.size = new_size;
}

// Pins of `ino`'s pages [first, last] lose their block (it was freed): the DMA lands elsewhere.
void DetachPins(State& s, uint64_t ino, uint64_t first, uint64_t last, bool private_only) {
  for (auto& [id, pin] : s.pins) {
    const Mapping& m = s.maps.at(pin.map);
    if (m.ino != ino || pin.page < first || pin.page > last) continue;
    if (private_only && m.shared) continue;
    pin.attached = false;
  }
}

// The bytes a mapping shows at file offset `off` (one page's part).
bool MatchMapped(State& s, Mapping& m, uint64_t off, const std::vector<uint8_t>& got) {
  const uint64_t page = off / kPage;
  if (!m.shared) {
    auto it = m.cow.find(page);
    if (it != m.cow.end()) return it->second.Match(off - page * kPage, got);
  }
  return s.files.at(m.ino).bytes.Match(off, got);
}

// MAP_PRIVATE: the first write to a page copies it (mm/memory.c do_wp_page(); on DAX the
// read-only mapping before the copy is the file's own page, dax_iomap_pte_fault()).
Bytes& CowPage(State& s, Mapping& m, uint64_t page) {
  auto it = m.cow.find(page);
  if (it != m.cow.end()) return it->second;
  Bytes copy;
  const std::vector<uint16_t> v = s.files.at(m.ino).bytes.Get(page * kPage, (page + 1) * kPage);
  for (uint64_t i = 0; i < kPage; ++i) copy.Fill(i, i + 1, v[i]);
  return m.cow.emplace(page, std::move(copy)).first->second;
}

// The write fault of a private mapping copies the page, then installs the copy; the store
// that caused it lands after the fault returns, so another thread may load the copy in between
// (mm/memory.c wp_page_copy(); on DAX dax_fault_cow_page() copies with copy_cow_page_dax() and
// finish_fault() installs). Copy and install are two points: MADV_DONTNEED runs under
// mmap_lock for read, as the fault does, and its zap of a still empty PTE does not stop
// finish_fault() (vmf_pte_changed() only sees the PTE is still none), so a copy taken before a
// zap may be installed after it. Truncate cannot come in between in the kernel (the fault holds
// the DAX entry lock from before the copy to after the install); here it drops pending copies
// beyond the new EOF, and the install checks EOF. A page beyond EOF is not copied (SIGBUS).
Mapping* CowMapping(State& s, const Call& c) {
  auto it = s.maps.find(c.map);
  if (it == s.maps.end() || !it->second.live || it->second.shared || !it->second.writable) {
    return nullptr;
  }
  return &it->second;
}

bool CowCopy(State& s, const Call& c) {
  Mapping* m = CowMapping(s, c);
  const uint64_t page = c.offset / kPage;
  if (m == nullptr || m->cow.count(page) || page >= PagesOf(s.files.at(m->ino).size)) {
    return true;  // already copied (the PTE is writable: no fault), or SIGBUS
  }
  Bytes copy;
  const std::vector<uint16_t> v = s.files.at(m->ino).bytes.Get(page * kPage, (page + 1) * kPage);
  for (uint64_t i = 0; i < kPage; ++i) copy.Fill(i, i + 1, v[i]);
  m->pending_cow[page] = std::move(copy);
  return true;
}

bool Cow(State& s, const Call& c) {
  Mapping* m = CowMapping(s, c);
  if (m == nullptr) return true;
  const uint64_t page = c.offset / kPage;
  auto it = m->pending_cow.find(page);
  if (it == m->pending_cow.end()) return true;  // nothing copied: the store faults again
  // finish_fault(): a PTE installed meanwhile (another thread's copy) wins.
  if (!m->cow.count(page) && page < PagesOf(s.files.at(m->ino).size)) {
    m->cow.emplace(page, std::move(it->second));
  }
  m->pending_cow.erase(it);
  return true;
}

// mmap(2), munmap(2), madvise(MADV_DONTNEED): a private mapping's copies die with the mapping
// or the zap (mm/madvise.c madvise_dontneed_single_vma() -> zap_page_range()); the pins of
// those copies then write pages nobody sees.
bool MapCall(State& s, const Call& c, std::string* why) {
  if (c.kind == Kind::kMmap) {
    Mapping m;
    m.ino = c.ino;
    m.offset = c.offset;
    m.length = c.length;
    m.shared = c.shared;
    m.writable = c.writable;
    s.maps[c.map] = std::move(m);
    return true;
  }
  auto it = s.maps.find(c.map);
  if (it == s.maps.end()) return Fail(why, "no such mapping");
  Mapping& m = it->second;
  const uint64_t first = c.kind == Kind::kMunmap ? 0 : c.offset / kPage;
  const uint64_t last = c.kind == Kind::kMunmap ? UINT64_MAX : (c.offset + c.length - 1) / kPage;
  for (auto& [id, pin] : s.pins) {
    if (pin.map == c.map && !m.shared && pin.page >= first && pin.page <= last) {
      pin.attached = false;
    }
  }
  m.cow.erase(m.cow.lower_bound(first), last == UINT64_MAX ? m.cow.end() : m.cow.upper_bound(last));
  if (c.kind == Kind::kMunmap) m.live = false;
  return true;
}

// What a store or write(2) puts at [lo, lo + c.length): `value`, or the bytes its outcome
// carries (a copy from or to a user buffer in a mapping: write from=, read to=).
void Put(Bytes& b, uint64_t lo, const Call& c, const Outcome& out) {
  if (out.bytes.empty()) {
    b.Fill(lo, lo + c.length, c.value);
  } else {
    b.Set(lo, out.bytes);
  }
}

// Loads and stores through a mapping. mmap(2): SIGSEGV for a write to a mapping
// without PROT_WRITE or an access outside any mapping; SIGBUS for an access to a page that lies
// wholly beyond EOF (mm/filemap.c / fs/dax.c: `pgoff >= max_pgoff` -> VM_FAULT_SIGBUS). Bytes
// of the EOF page past EOF are accessible (they read as what was stored there, zero after a
// truncate: xfs_truncate_page() and friends zero the rest of the block).
bool Access(State& s, const Call& c, const Outcome& out, std::string* why) {
  auto it = s.maps.find(c.map);
  if (it == s.maps.end()) return Fail(why, "no such mapping");
  Mapping& m = it->second;
  const bool write = c.kind == Kind::kStore;
  const bool segv = !m.live || (write && !m.writable);
  if (out.signal == Outcome::kSigsegv) return segv ? true : Fail(why, "SIGSEGV on a valid access");
  if (segv)
    return Fail(why, m.live ? "a write through a read-only mapping succeeded"
                            : "an access to an unmapped range succeeded");
  File& f = s.files.at(m.ino);
  const uint64_t page = c.offset / kPage;
  const bool beyond = page >= PagesOf(f.size);
  if (out.signal == Outcome::kSigbus) {
    return beyond || out.excused ? true : Fail(why, "SIGBUS on a page inside EOF");
  }
  if (beyond) return Fail(why, "an access to a page beyond EOF succeeded (no SIGBUS)");
  if (c.kind == Kind::kLoad) {
    if (out.dead_device) return true;
    return MatchMapped(s, m, c.offset, out.bytes) ? true : Fail(why, "the bytes loaded");
  }
  if (m.shared) {
    Put(f.bytes, c.offset, c, out);
  } else {
    Put(CowPage(s, m, page), c.offset - page * kPage, c, out);
  }
  return true;
}

// get_user_pages of one page (mm/gup.c, 6.1). EFAULT where a load or store would get a signal
// (no mapping, FOLL_WRITE on a read-only one, a page beyond EOF); FOLL_LONGTERM is refused on
// fsdax (EOPNOTSUPP) once the VMA is found, but the fast walk may take first what it finds
// present and may take (an anonymous copy, the huge zero page: which, the spec does not track).
bool PinCall(State& s, const Call& c, const Outcome& out, std::string* why) {
  auto it = s.maps.find(c.map);
  if (it == s.maps.end()) return Fail(why, "no such mapping");
  Mapping& m = it->second;
  if (out.ret == -ENOMEM) return out.excused ? true : Fail(why, "ENOMEM");
  if (m.live && c.longterm && (out.ret == -EOPNOTSUPP || !c.fast)) {
    return out.ret == -EOPNOTSUPP ? true : Fail(why, "a long-term pin of fsdax: not EOPNOTSUPP");
  }
  if (out.ret == -EOPNOTSUPP) return Fail(why, "EOPNOTSUPP for a pin without FOLL_LONGTERM");
  const bool segv = !m.live || (c.writable && !m.writable);
  const bool beyond = m.live && c.offset / kPage >= PagesOf(s.files.at(m.ino).size);
  if (out.ret == -EFAULT) {
    return segv || beyond || out.excused ? true : Fail(why, "EFAULT on a valid page inside EOF");
  }
  if (out.ret != 0) return Fail(why, "an errno get_user_pages does not return");
  if (segv) {
    return Fail(why, m.live ? "a write pin of a read-only mapping succeeded"
                            : "a pin of an unmapped range succeeded");
  }
  if (beyond) return Fail(why, "a pin of a page beyond EOF succeeded (no EFAULT)");
  // GUP with FOLL_WRITE breaks COW (faultin_page() with FAULT_FLAG_WRITE).
  if (!m.shared && c.writable) CowPage(s, m, c.offset / kPage);
  s.pins[c.pin] = Pin{c.map, c.offset / kPage, true};
  return true;
}

// The device's DMA into a pinned page completes (an O_DIRECT read into the mapping): the whole
// page receives the data, in the file if the pinned block is still the file's.
bool Unpin(State& s, const Call& c) {
  auto it = s.pins.find(c.pin);
  if (it == s.pins.end()) return true;  // the pin failed: no DMA
  const Pin pin = it->second;
  s.pins.erase(it);
  if (!pin.attached || !c.writable) return true;  // a read pin's I/O, or one without data
  Mapping& m = s.maps.at(pin.map);
  if (m.shared) {
    s.files.at(m.ino).bytes.Fill(pin.page * kPage, (pin.page + 1) * kPage, c.value);
  } else {
    CowPage(s, m, pin.page).Fill(0, kPage, c.value);
  }
  return true;
}

// read(2): the bytes returned lie below EOF when copied; a short count ends at EOF
// (fs/dax.c dax_iomap_rw(): the copy is clipped to i_size_read()). write(2): extends i_size to
// the end of what it wrote, the gap reads as zeroes (fs/iomap, xfs_file_write_checks()).
bool FileIo(State& s, const Call& c, const Outcome& out, std::string* why) {
  File& f = s.files[c.ino];
  if (c.kind == Kind::kRead) {
    if (out.ret < 0) return out.excused ? true : Fail(why, "read(2) failed");
    if (c.offset + c.length > f.size && c.length > 0) return Fail(why, "read(2) past EOF");
    if (out.eof && !out.excused && f.size > c.offset + c.length) {
      return Fail(why, "a short read(2) inside EOF");
    }
    if (out.dead_device) return true;
    return f.bytes.Match(c.offset, out.bytes) ? true : Fail(why, "the bytes read");
  }
  if (c.kind == Kind::kWriteError) return out.excused ? true : Fail(why, "write(2) failed");
  if (c.offset > f.size) f.bytes.Fill(PageUp(f.size), c.offset, 0);
  Grow(f, c.offset + c.length);
  Put(f.bytes, c.offset, c, out);
  return true;
}

// ftruncate(2), fallocate(2). Truncate down zeroes the EOF page's tail and drops private
// copies of pages wholly past the new EOF (mm/truncate.c truncate_pagecache():
// unmap_mapping_range(..., even_cows=1)); hole punch and zero-range zero their range and keep
// private copies (truncate_pagecache_range(): even_cows=0). Whole pages they free lose their
// pins' blocks. A filesystem may not support a fallocate mode (EOPNOTSUPP, fallocate(2)).
bool SizeOp(State& s, const Call& c, const Outcome& out, std::string* why) {
  File& f = s.files[c.ino];
  if (out.ret < 0) {
    if (out.ret == kEopnotsupp && c.kind != Kind::kTruncate) return true;
    return out.excused ? true : Fail(why, "the call failed");
  }
  if (out.ret > 0) return Fail(why, "a positive return value");
  switch (c.kind) {
    case Kind::kTruncate:
      if (c.offset < f.size) {
        f.bytes.Fill(c.offset, UINT64_MAX, 0);
        const uint64_t first = PagesOf(c.offset);
        for (auto& [id, m] : s.maps) {
          if (m.ino != c.ino) continue;
          m.cow.erase(m.cow.lower_bound(first), m.cow.end());
          m.pending_cow.erase(m.pending_cow.lower_bound(first), m.pending_cow.end());
        }
        DetachPins(s, c.ino, first, UINT64_MAX, false);
        f.size = c.offset;
      } else {
        Grow(f, c.offset);
      }
      return true;
    case Kind::kFallocate:
      Grow(f, c.offset + c.length);
      return true;
    default: {  // punch, zero-range (KEEP_SIZE)
      const uint64_t end = c.offset + c.length;
      f.bytes.Fill(c.offset, std::min(end, f.size), 0);
      if (end > f.size) Unsettle(f, std::max(c.offset, f.size), std::min(end, PageUp(f.size)));
      const uint64_t first = PagesOf(c.offset), last_end = end / kPage;  // whole pages
      if (last_end > first) DetachPins(s, c.ino, first, last_end - 1, false);
      return true;
    }
  }
}

}  // namespace

const char* KindName(Kind k) {
  static constexpr const char* kNames[] = {
      "mmap",     "munmap", "madvise_dontneed", "load",   "store", "pin",        "unpin", "read",
      "write",    "write",  "truncate",         "falloc", "punch", "zero_range", "sync",  "cow",
      "cow_copy", "stat"};
  return kNames[static_cast<int>(k)];
}

bool Step(State& s, const Call& c, const Outcome& out, std::string* why) {
  switch (c.kind) {
    case Kind::kMmap:
    case Kind::kMunmap:
    case Kind::kDontneed:
      return MapCall(s, c, why);
    case Kind::kLoad:
    case Kind::kStore:
      return Access(s, c, out, why);
    case Kind::kPin:
      return PinCall(s, c, out, why);
    case Kind::kUnpin:
      return Unpin(s, c);
    case Kind::kRead:
    case Kind::kWrite:
    case Kind::kWriteError:
      return FileIo(s, c, out, why);
    case Kind::kSync:
      return out.ret == 0 || out.excused ? true : Fail(why, "fsync/msync failed");
    case Kind::kCow:
      return Cow(s, c);
    case Kind::kCowCopy:
      return CowCopy(s, c);
    case Kind::kStat:
      // fstat(2): st_size is the file's size (generic_fillattr(): stat->size =
      // i_size_read(inode), which ext4 and xfs getattr report); an error only when excused
      // (xfs_vn_getattr() fails with EIO once xfs has shut down after the device went away).
      if (out.ret < 0 && out.excused) return true;
      return out.ret == static_cast<int64_t>(s.files[c.ino].size)
                 ? true
                 : Fail(why, "st_size is not i_size");
    default:
      return SizeOp(s, c, out, why);
  }
}

std::string Describe(const Call& c, const Outcome& out) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%s %s%llu +%#llx len=%llu", KindName(c.kind),
                c.map ? "map" : "ino", static_cast<unsigned long long>(c.map ? c.map : c.ino),
                static_cast<unsigned long long>(c.offset),
                static_cast<unsigned long long>(c.length));
  std::string s = buf;
  if (c.kind == Kind::kStore || c.kind == Kind::kWrite || c.kind == Kind::kUnpin) {
    std::snprintf(buf, sizeof(buf), " val=%#x", c.value);
    s += buf;
  }
  if (c.kind == Kind::kPin)
    s += std::string(c.writable ? "" : " ro") + (c.fast ? "" : " slow") +
         (c.longterm ? " longterm" : "");
  s += " ->";
  if (out.signal != Outcome::kOk) {
    s += out.signal == Outcome::kSigbus ? " SIGBUS" : " SIGSEGV";
  } else if (!out.bytes.empty()) {
    std::snprintf(buf, sizeof(buf), " %#x", out.bytes[0]);
    s += buf;
    if (std::any_of(out.bytes.begin(), out.bytes.end(),
                    [&](uint8_t b) { return b != out.bytes[0]; }))
      s += "..";
  } else {
    s += " " + std::to_string(out.ret);
  }
  if (out.eof) s += " (EOF)";
  if (out.zero_page_unmapping) s += " [zero page, the file's mappings being unmapped]";
  if (out.cow_zero_filled) s += " [copy-on-write of a page with a media error, zero-filled]";
  return s;
}

}  // namespace daxsim::props::spec
