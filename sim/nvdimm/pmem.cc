// Models a pmem namespace and its persistence domain (see pmem.h for the model and its bounds).
// Mirrors: drivers/nvdimm/pmem.c, drivers/dax/super.c dax_direct_access(), x86 memcpy_flushcache
// (v6.1). Scheduling points: none.
#include "sim/nvdimm/pmem.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

#include "sim/check.h"

namespace daxsim::nvdimm {
namespace {

constexpr uint64_t kPageShift = 12;
constexpr uint64_t kLineShift = 6;
constexpr uint64_t kWordSize = 8;

void PutLe64(uint64_t v, uint8_t* out) {
  for (uint64_t i = 0; i < kWordSize; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t GetLe64(const uint8_t* in) {
  uint64_t v = 0;
  for (uint64_t i = 0; i < kWordSize; ++i) v |= static_cast<uint64_t>(in[i]) << (8 * i);
  return v;
}

// a * b, saturating at INT64_MAX (both non-negative).
int64_t SaturatingMul(int64_t a, int64_t b) {
  if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) {
    return std::numeric_limits<int64_t>::max();
  }
  return a * b;
}

}  // namespace

Pmem::Pmem(uint64_t base_pfn, uint64_t pages, Platform platform)
    : base_pfn_(base_pfn), pages_(pages), platform_(platform) {
  DAXSIM_CHECK(pages > 0);
  DAXSIM_CHECK(base_pfn < (uint64_t{1} << 52) && pages <= (uint64_t{1} << 52) - base_pfn);
}

uint64_t Pmem::PfnToPgoff(uint64_t pfn) const {
  DAXSIM_CHECK(OwnsPfn(pfn));
  return pfn - base_pfn_;
}

uint64_t Pmem::PgoffToPfn(uint64_t pgoff) const {
  DAXSIM_CHECK(pgoff < pages_);
  return base_pfn_ + pgoff;
}

Pmem::DirectAccessResult Pmem::DirectAccess(uint64_t pgoff, int64_t nr_pages) const {
  DirectAccessResult r;
  if (!alive_) {
    r.err = -ENXIO;
    return r;
  }
  if (nr_pages < 0) {
    r.err = -EINVAL;
    return r;
  }
  // badblocks_check(): any bad page in [pgoff, pgoff + nr_pages)?
  auto bad = badblocks_.lower_bound(pgoff);
  if (bad != badblocks_.end() && *bad - pgoff < static_cast<uint64_t>(nr_pages)) {
    r.err = -EIO;
    return r;
  }
  int64_t avail = pgoff < pages_ ? static_cast<int64_t>(pages_ - pgoff) : 0;
  // "If badblocks are present but not in the range, limit known good range to the requested
  // range." (The kernel returns nr_pages unclamped there; we also stop at the namespace end.)
  if (!badblocks_.empty()) avail = std::min(avail, nr_pages);
  if (avail == 0) {
    r.err = -ERANGE;
    return r;
  }
  r.avail = std::min(avail, nr_pages);
  r.pfn = base_pfn_ + pgoff;
  r.kaddr = r.pfn << kPageShift;
  return r;
}

void Pmem::CheckRange(uint64_t paddr, size_t len) const {
  const uint64_t start = base_pfn_ << kPageShift;
  const uint64_t end = (base_pfn_ + pages_) << kPageShift;
  DAXSIM_CHECK_MSG(paddr >= start && paddr <= end && len <= end - paddr,
                   "pmem access outside the namespace");
}

Pmem::Line Pmem::StaleLine(uint64_t line) const {
  const uint64_t pgoff = ((line << kLineShift) >> kPageShift) - base_pfn_;
  Line l;
  for (uint64_t w = 0; w < kLineSize; w += kWordSize) PutLe64(StaleWord(pgoff), &l[w]);
  return l;
}

Pmem::Line Pmem::MediaLine(uint64_t line) const {
  auto it = media_.find(line);
  return it != media_.end() ? it->second : StaleLine(line);
}

Pmem::Line& Pmem::MutableMediaLine(uint64_t line) {
  auto it = media_.find(line);
  if (it == media_.end()) it = media_.emplace(line, StaleLine(line)).first;
  return it->second;
}

void Pmem::AppendPiece(uint64_t line, const Piece& piece, bool capture) {
  if (platform_ == Platform::kEadr) {  // the cache is persistent: the store is guaranteed now
    std::memcpy(&MutableMediaLine(line)[piece.offset], piece.bytes.data(), piece.len);
    return;
  }
  auto it = cache_.find(line);
  if (it == cache_.end()) it = cache_.emplace(line, CacheLine{MediaLine(line), {}, 0}).first;
  CacheLine& cl = it->second;
  std::memcpy(&cl.current[piece.offset], piece.bytes.data(), piece.len);
  cl.pieces.push_back(piece);
  if (capture) cl.captured = cl.pieces.size();
}

void Pmem::AppendStore(uint64_t paddr, const uint8_t* data, size_t len, bool capture) {
  CheckRange(paddr, len);
  while (len > 0) {
    const uint64_t word_end = (paddr / kWordSize + 1) * kWordSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(len, word_end - paddr));
    Piece p{static_cast<uint8_t>(paddr % kLineSize), static_cast<uint8_t>(n), {}};
    std::memcpy(p.bytes.data(), data, n);
    AppendPiece(paddr >> kLineShift, p, capture);
    paddr += n;
    data += n;
    len -= n;
  }
}

void Pmem::Store(uint64_t paddr, const uint8_t* data, size_t len) {
  AppendStore(paddr, data, len, /*capture=*/false);
}

void Pmem::NtStore(uint64_t paddr, const uint8_t* data, size_t len) {
  AppendStore(paddr, data, len, /*capture=*/true);
}

void Pmem::Load(uint64_t paddr, uint8_t* out, size_t len) const {
  CheckRange(paddr, len);
  while (len > 0) {
    const uint64_t line = paddr >> kLineShift;
    const uint64_t off = paddr % kLineSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(len, kLineSize - off));
    auto it = cache_.find(line);
    const Line l = it != cache_.end() ? it->second.current : MediaLine(line);
    std::memcpy(out, &l[off], n);
    paddr += n;
    out += n;
    len -= n;
  }
}

bool Pmem::PageHasError(uint64_t pfn) const {
  return IsPoisoned(pfn) || IsBadBlock(pfn - base_pfn_);
}

bool Pmem::LoadChecked(uint64_t paddr, uint8_t* out, size_t len) const {
  CheckRange(paddr, len);
  if (len > 0) {
    for (uint64_t pfn = paddr >> kPageShift; pfn <= (paddr + len - 1) >> kPageShift; ++pfn) {
      if (PageHasError(pfn)) return false;
    }
  }
  Load(paddr, out, len);
  return true;
}

void Pmem::Clwb(uint64_t paddr, size_t len) {
  CheckRange(paddr, len);
  if (len == 0) return;
  const uint64_t first = paddr >> kLineShift;
  const uint64_t last = (paddr + len - 1) >> kLineShift;
  for (auto it = cache_.lower_bound(first); it != cache_.end() && it->first <= last; ++it) {
    it->second.captured = it->second.pieces.size();
  }
}

void Pmem::Clflushopt(uint64_t paddr, size_t len) { Clwb(paddr, len); }

void Pmem::Clflush(uint64_t paddr, size_t len) {
  CheckRange(paddr, len);
  if (len == 0) return;
  const uint64_t first = paddr >> kLineShift;
  const uint64_t last = (paddr + len - 1) >> kLineShift;
  for (auto it = cache_.lower_bound(first); it != cache_.end() && it->first <= last;) {
    it = Guarantee(it, it->second.pieces.size());
  }
}

std::map<uint64_t, Pmem::CacheLine>::iterator Pmem::Guarantee(
    std::map<uint64_t, CacheLine>::iterator it, size_t n) {
  CacheLine& cl = it->second;
  DAXSIM_CHECK(n <= cl.pieces.size());
  if (n == 0) return std::next(it);
  Line& media = MutableMediaLine(it->first);
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(&media[cl.pieces[i].offset], cl.pieces[i].bytes.data(), cl.pieces[i].len);
  }
  if (n == cl.pieces.size()) return cache_.erase(it);
  cl.pieces.erase(cl.pieces.begin(), cl.pieces.begin() + static_cast<ptrdiff_t>(n));
  cl.captured = cl.captured > n ? cl.captured - n : 0;
  return std::next(it);
}

void Pmem::Sfence() {
  for (auto it = cache_.begin(); it != cache_.end();) it = Guarantee(it, it->second.captured);
}

void Pmem::MemcpyFlushcache(uint64_t paddr, const uint8_t* data, size_t len) {
  CheckRange(paddr, len);
  if (paddr % kWordSize != 0) {  // cache copy and flush to align dest
    const size_t head = static_cast<size_t>(std::min<uint64_t>(len, kWordSize - paddr % kWordSize));
    Store(paddr, data, head);
    Clwb(paddr, head);
    paddr += head;
    data += head;
    len -= head;
  }
  // The 4x8 and 1x8 movnti loops, then one 1x4 movnti.
  const size_t nt = len / kWordSize * kWordSize + (len % kWordSize >= 4 ? 4 : 0);
  NtStore(paddr, data, nt);
  paddr += nt;
  data += nt;
  len -= nt;
  if (len > 0) {  // cache copy for remaining bytes
    Store(paddr, data, len);
    Clwb(paddr, len);
  }
}

void Pmem::ArchWbCacheInvalidate() {
  for (auto it = cache_.begin(); it != cache_.end();) it = Guarantee(it, it->second.pieces.size());
}

int Pmem::NvdimmFlush() {
  Sfence();
  return 0;
}

void Pmem::Crash(const Chooser& choose) {
  int uncertain = 0;
  for (auto& [line, cl] : cache_) {
    const int k = static_cast<int>(cl.pieces.size());
    int n;
    if (uncertain < crash_line_choices_max_) {
      n = choose(k + 1, kCrashPrefixLabel);
    } else {
      n = choose(2, kCrashAllOrNothingLabel) != 0 ? k : 0;
    }
    DAXSIM_CHECK(n >= 0 && n <= k);
    ++uncertain;
    if (n == 0) continue;
    Line& media = MutableMediaLine(line);
    for (int i = 0; i < n; ++i) {
      std::memcpy(&media[cl.pieces[i].offset], cl.pieces[i].bytes.data(), cl.pieces[i].len);
    }
  }
  cache_.clear();
  poisoned_.clear();
  alive_ = true;
}

int64_t Pmem::CrashImageCount() const {
  int64_t count = 1;
  int uncertain = 0;
  for (const auto& [line, cl] : cache_) {
    const int64_t options =
        uncertain < crash_line_choices_max_ ? static_cast<int64_t>(cl.pieces.size()) + 1 : 2;
    count = SaturatingMul(count, options);
    ++uncertain;
  }
  return count;
}

void Pmem::SetCrashLineChoicesMax(int lines_max) {
  DAXSIM_CHECK(lines_max >= 0);
  crash_line_choices_max_ = lines_max;
}

void Pmem::InjectBadBlock(uint64_t pgoff) {
  DAXSIM_CHECK(pgoff < pages_);
  badblocks_.insert(pgoff);
}

void Pmem::ClearBadBlock(uint64_t pgoff) {
  DAXSIM_CHECK(pgoff < pages_);
  badblocks_.erase(pgoff);
  poisoned_.erase(base_pfn_ + pgoff);
}

std::vector<uint64_t> Pmem::BadBlocks() const {
  return std::vector<uint64_t>(badblocks_.begin(), badblocks_.end());
}

int Pmem::WriteClearPoison(uint64_t pgoff, const uint8_t* data) {
  DAXSIM_CHECK(pgoff < pages_);
  if (!alive_) return -ENXIO;
  if (IsBadBlock(pgoff)) ClearBadBlock(pgoff);  // is_bad_pmem() -> pmem_clear_poison()
  MemcpyFlushcache((base_pfn_ + pgoff) << kPageShift, data, kPageSize);
  return 0;
}

int Pmem::ZeroPageRange(uint64_t pgoff, uint64_t nr_pages) {
  static constexpr std::array<uint8_t, kPageSize> kZeroPage{};
  for (uint64_t i = 0; i < nr_pages; ++i) {
    const int rc = WriteClearPoison(pgoff + i, kZeroPage.data());
    if (rc != 0) return rc;
  }
  return 0;
}

void Pmem::Poison(uint64_t pfn) {
  DAXSIM_CHECK(OwnsPfn(pfn));
  poisoned_.insert(pfn);
}

bool Pmem::LineDirty(uint64_t paddr) const {
  CheckRange(paddr, 1);
  return cache_.count(paddr >> kLineShift) != 0;
}

bool Pmem::Durable(uint64_t paddr, size_t len) const {
  CheckRange(paddr, len);
  const uint64_t end = paddr + len;
  for (auto it = cache_.lower_bound(paddr >> kLineShift);
       it != cache_.end() && (it->first << kLineShift) < end; ++it) {
    // A crash leaves the line as the media plus any prefix of its pieces: every value a byte
    // takes along that history must equal its current value.
    const uint64_t line_start = it->first << kLineShift;
    const uint64_t lo = std::max(paddr, line_start) - line_start;
    const uint64_t hi = std::min(end, line_start + kLineSize) - line_start;
    const Line& now = it->second.current;
    const Line media = MediaLine(it->first);
    for (uint64_t off = lo; off < hi; ++off) {
      if (media[off] != now[off]) return false;
    }
    for (const Piece& p : it->second.pieces) {
      for (uint64_t off = std::max<uint64_t>(lo, p.offset);
           off < std::min<uint64_t>(hi, p.offset + p.len); ++off) {
        if (p.bytes[off - p.offset] != now[off]) return false;
      }
    }
  }
  return true;
}

uint64_t Pmem::ReadWord(uint64_t paddr) const {
  DAXSIM_CHECK(paddr % kWordSize == 0);
  uint8_t bytes[kWordSize];
  Load(paddr, bytes, kWordSize);
  return GetLe64(bytes);
}

}  // namespace daxsim::nvdimm
