// Models a pmem namespace and its persistence domain (see pmem.h for the model and its bounds);
// the page-fill layer of whole-page writes is in pmem_fill.cc. Mirrors: drivers/nvdimm/pmem.c,
// drivers/dax/super.c dax_direct_access(), x86 memcpy_flushcache (v6.1). Scheduling points: none.
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
constexpr uint64_t kLinesPerPage = 64;
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

// Bits [lo, hi] of a page's line mask.
uint64_t LineMask(uint64_t lo, uint64_t hi) {
  const uint64_t n = hi - lo + 1;
  return (n == kLinesPerPage ? ~uint64_t{0} : (uint64_t{1} << n) - 1) << lo;
}

// The prefix lengths a crash may leave of a line's pieces: 0 and the end of every piece not
// joined to the next (a piece group persists whole). CutCount() counts them; NthCut() is the j-th.
template <typename Pieces>
size_t CutCount(const Pieces& pieces) {
  size_t cuts = 1;
  for (const auto& p : pieces) cuts += p.with_next ? 0 : 1;
  return cuts;
}

template <typename Pieces>
size_t NthCut(const Pieces& pieces, size_t j) {
  for (size_t n = 0; n <= pieces.size(); ++n) {
    if ((n == 0 || !pieces[n - 1].with_next) && j-- == 0) return n;
  }
  DAXSIM_CHECK_MSG(false, "prefix choice out of range");
  return 0;
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
  ++direct_access_calls_;
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

uint64_t Pmem::FirstLineOf(uint64_t pgoff) const {
  return (base_pfn_ + pgoff) << (kPageShift - kLineShift);
}

uint64_t Pmem::PgoffOfLine(uint64_t line) const {
  return (line >> (kPageShift - kLineShift)) - base_pfn_;
}

Pmem::Line Pmem::StaleLine(uint64_t line) const {
  const uint64_t pgoff = PgoffOfLine(line);
  Line l;
  for (uint64_t w = 0; w < kLineSize; w += kWordSize) PutLe64(StaleWord(pgoff), &l[w]);
  return l;
}

Pmem::Line Pmem::GuaranteedLine(uint64_t line) const {
  auto it = media_.find(line);
  if (it != media_.end()) return it->second;
  if (const PageFill* f = FindFill(PgoffOfLine(line)); f != nullptr && f->guaranteed.present) {
    return FillLine(f->guaranteed, line % kLinesPerPage);
  }
  return StaleLine(line);
}

bool Pmem::Covered(uint64_t line) const {
  const PageFill* f = FindFill(PgoffOfLine(line));
  return f != nullptr && (f->covered >> (line % kLinesPerPage) & 1) != 0;
}

Pmem::Line& Pmem::MutableMediaLine(uint64_t line) {
  auto it = media_.find(line);
  if (it == media_.end()) it = media_.emplace(line, GuaranteedLine(line)).first;
  return it->second;
}

// The part of a store that falls in one line: one piece per 8-byte word (the unit a crash keeps
// or loses), with the line looked up once.
void Pmem::AppendLine(uint64_t line, size_t offset, const uint8_t* data, size_t n, bool capture) {
  if (platform_ == Platform::kEadr) {  // the cache is persistent: the store is guaranteed now
    std::memcpy(&MutableMediaLine(line)[offset], data, n);
    return;
  }
  // A store to a line of a pending fill goes on top of the fill: the line leaves the page unit.
  if (!fills_.empty()) TouchLines(PgoffOfLine(line), uint64_t{1} << (line % kLinesPerPage));
  auto it = cache_.find(line);
  if (it == cache_.end()) it = cache_.emplace(line, CacheLine{GuaranteedLine(line), {}, 0}).first;
  CacheLine& cl = it->second;
  std::memcpy(&cl.current[offset], data, n);
  for (size_t done = 0; done < n;) {
    const size_t at = offset + done;
    const size_t k = std::min(n - done, (at / kWordSize + 1) * kWordSize - at);
    Piece p{static_cast<uint8_t>(at), static_cast<uint8_t>(k), {}};
    std::memcpy(p.bytes.data(), data + done, k);
    cl.pieces.push_back(p);
    done += k;
  }
  if (capture) cl.captured = cl.pieces.size();
}

void Pmem::AppendStore(uint64_t paddr, const uint8_t* data, size_t len, bool capture) {
  CheckRange(paddr, len);
  while (len > 0) {
    const uint64_t line_end = ((paddr >> kLineShift) + 1) << kLineShift;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(len, line_end - paddr));
    AppendLine(paddr >> kLineShift, static_cast<size_t>(paddr % kLineSize), data, n, capture);
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

// Page by page (callers read whole pages): one fill lookup per page and ordered walks of the line
// maps, instead of three lookups per line.
void Pmem::Load(uint64_t paddr, uint8_t* out, size_t len) const {
  CheckRange(paddr, len);
  while (len > 0) {
    const uint64_t off = paddr % kPageSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(len, kPageSize - off));
    LoadInPage((paddr >> kPageShift) - base_pfn_, off, out, n);
    paddr += n;
    out += n;
    len -= n;
  }
}

// Each line's newest content: its cache line, else the pending fill if it covers the line, else
// its guaranteed content (media line, else the guaranteed fill, else the stale pattern).
void Pmem::LoadInPage(uint64_t pgoff, uint64_t off, uint8_t* out, size_t len) const {
  const PageFill* f = FindFill(pgoff);
  const uint64_t first = FirstLineOf(pgoff);
  auto cached = cache_.lower_bound(first + off / kLineSize);
  auto media = media_.lower_bound(first + off / kLineSize);
  const uint64_t end_line = first + (off + len - 1) / kLineSize;
  if (f != nullptr && (cached == cache_.end() || cached->first > end_line) &&
      (media == media_.end() || media->first > end_line)) {  // only the page's fill: one copy
    if (f->covered == ~uint64_t{0}) return CopyFill(f->pending, off, out, len);
    if (f->covered == 0) return CopyFill(f->guaranteed, off, out, len);
  }
  while (len > 0) {
    const uint64_t b = off / kLineSize;
    const uint64_t lo = off % kLineSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(len, kLineSize - lo));
    const bool in_cache = cached != cache_.end() && cached->first == first + b;
    const bool in_media = media != media_.end() && media->first == first + b;
    if (in_cache) {
      std::memcpy(out, &cached->second.current[lo], n);
    } else if (f != nullptr && (f->covered >> b & 1) != 0) {
      CopyFill(f->pending, off, out, n);
    } else if (in_media) {
      std::memcpy(out, &media->second[lo], n);
    } else if (f != nullptr && f->guaranteed.present) {
      CopyFill(f->guaranteed, off, out, n);
    } else {
      for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<uint8_t>(StaleWord(pgoff) >> 8 * ((off + i) % kWordSize));
      }
    }
    if (in_cache) ++cached;
    if (in_media) ++media;
    off += n;
    out += n;
    len -= n;
  }
}

bool Pmem::PageHasError(uint64_t pfn) const {
  return IsBadBlock(pfn - base_pfn_) || HasLatentError(pfn - base_pfn_);
}

int Pmem::Scrub() {
  const int found = static_cast<int>(latent_.size());
  badblocks_.insert(latent_.begin(), latent_.end());
  latent_.clear();
  return found;
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
  if (!fills_.empty()) {
    // Whole pages: their pending fills become guaranteed. Partly flushed pages: the flushed
    // covered lines leave the page unit and are guaranteed by the loop below.
    const uint64_t first_pg = PgoffOfLine(first);
    const uint64_t last_pg = PgoffOfLine(last);
    const uint64_t full_begin = first % kLinesPerPage == 0 ? first_pg : first_pg + 1;
    const uint64_t full_end = (last + 1) % kLinesPerPage == 0 ? last_pg + 1 : last_pg;
    if (full_begin < full_end) PersistFills(full_begin, full_end);
    for (uint64_t pg : {first_pg, last_pg}) {
      if (pg >= full_begin && pg < full_end) continue;
      const uint64_t page_first = FirstLineOf(pg);
      const uint64_t lo = std::max(first, page_first) - page_first;
      const uint64_t hi = std::min(last, page_first + kLinesPerPage - 1) - page_first;
      TouchLines(pg, LineMask(lo, hi));
      if (last_pg == first_pg) break;
    }
  }
  for (auto it = cache_.lower_bound(first); it != cache_.end() && it->first <= last;) {
    it = Guarantee(it, it->second.pieces.size());
  }
}

std::map<uint64_t, Pmem::CacheLine>::iterator Pmem::Guarantee(
    std::map<uint64_t, CacheLine>::iterator it, size_t n) {
  CacheLine& cl = it->second;
  DAXSIM_CHECK(n <= cl.pieces.size());
  if (n == 0) return std::next(it);
  DAXSIM_CHECK_MSG(!cl.pieces[n - 1].with_next, "a write-back splits a piece group");
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
  PersistFills(0, pages_);  // page fills are NT stores: captured at once
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
  PersistFills(0, pages_);
}

int Pmem::NvdimmFlush() {
  Sfence();
  return 0;
}

template <typename OnLine, typename OnPage>
void Pmem::ForEachUncertain(OnLine on_line, OnPage on_page) const {
  auto line = cache_.begin();
  for (const PageFill& f : fills_) {
    if (!f.pending.present) continue;
    for (uint64_t pg = f.start; pg < f.end; ++pg) {
      for (const uint64_t first = FirstLineOf(pg); line != cache_.end() && line->first < first;
           ++line) {
        on_line(line->second);
      }
      on_page(pg);
    }
  }
  for (; line != cache_.end(); ++line) on_line(line->second);
}

void Pmem::Crash(const Chooser& choose) {
  int uncertain = 0;
  std::vector<size_t> line_n;   // persisted pieces of each cache line, in address order
  std::vector<bool> page_kept;  // whether each pending page fill persists, in address order
  ForEachUncertain(
      [&](const CacheLine& cl) {
        const size_t k = cl.pieces.size();
        size_t n;
        if (uncertain < crash_line_choices_max_) {
          const int cuts = static_cast<int>(CutCount(cl.pieces));
          const int j = choose(cuts, kCrashPrefixLabel);
          DAXSIM_CHECK(j >= 0 && j < cuts);
          n = NthCut(cl.pieces, static_cast<size_t>(j));
        } else {
          n = choose(2, kCrashAllOrNothingLabel) != 0 ? k : 0;
        }
        ++uncertain;
        line_n.push_back(n);
      },
      [&](uint64_t) {
        const char* label =
            uncertain < crash_line_choices_max_ ? kCrashPageFillLabel : kCrashAllOrNothingLabel;
        ++uncertain;
        page_kept.push_back(choose(2, label) != 0);
      });
  // Lines first: a cache line of a pending-fill page has its media line pinned, so the page
  // outcomes below do not change what the line persists on top of.
  size_t i = 0;
  for (auto& [line, cl] : cache_) {
    const size_t n = line_n[i++];
    if (n == 0) continue;
    Line& media = MutableMediaLine(line);
    for (size_t p = 0; p < n; ++p) {
      std::memcpy(&media[cl.pieces[p].offset], cl.pieces[p].bytes.data(), cl.pieces[p].len);
    }
  }
  CrashFills(page_kept);
  cache_.clear();
  poisoned_.clear();
  alive_ = true;
}

int64_t Pmem::CrashImageCount() const {
  int64_t count = 1;
  int uncertain = 0;
  ForEachUncertain(
      [&](const CacheLine& cl) {
        const bool bounded = uncertain < crash_line_choices_max_;
        count = SaturatingMul(count, bounded ? static_cast<int64_t>(CutCount(cl.pieces)) : 2);
        ++uncertain;
      },
      [&](uint64_t) {
        count = SaturatingMul(count, 2);
        ++uncertain;
      });
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
  return WritePage(pgoff, PageContent(data));
}

// One page at a time, as the kernel: every page clears its own poison, and the first error stops.
int Pmem::ZeroPageRange(uint64_t pgoff, uint64_t nr_pages) {
  const FillContent zero{true, 0, nullptr};
  for (uint64_t i = 0; i < nr_pages; ++i) {
    const int rc = WritePage(pgoff + i, zero);
    if (rc != 0) return rc;
  }
  return 0;
}

int Pmem::WritePage(uint64_t pgoff, const FillContent& content) {
  DAXSIM_CHECK(pgoff < pages_);
  if (!alive_) return -ENXIO;
  if (IsBadBlock(pgoff)) ClearBadBlock(pgoff);  // is_bad_pmem() -> pmem_clear_poison()
  // write_pmem(): memcpy_flushcache() of a page-aligned page is movnti only: an NT page write.
  FillPage(pgoff, content);
  return 0;
}

void Pmem::Poison(uint64_t pfn) {
  DAXSIM_CHECK(OwnsPfn(pfn));
  poisoned_.insert(pfn);
}

bool Pmem::LineDirty(uint64_t paddr) const {
  CheckRange(paddr, 1);
  return cache_.count(paddr >> kLineShift) != 0 || Covered(paddr >> kLineShift);
}

bool Pmem::Durable(uint64_t paddr, size_t len) const {
  CheckRange(paddr, len);
  if (len == 0) return true;
  const uint64_t end = paddr + len;
  for (auto it = cache_.lower_bound(paddr >> kLineShift);
       it != cache_.end() && (it->first << kLineShift) < end; ++it) {
    // A crash leaves the line as the media plus any prefix of its pieces: every value a byte
    // takes along that history must equal its current value.
    const uint64_t line_start = it->first << kLineShift;
    const uint64_t lo = std::max(paddr, line_start) - line_start;
    const uint64_t hi = std::min(end, line_start + kLineSize) - line_start;
    const Line& now = it->second.current;
    const Line media = GuaranteedLine(it->first);
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
  return FillDurable(paddr, len);
}

uint64_t Pmem::ReadWord(uint64_t paddr) const {
  DAXSIM_CHECK(paddr % kWordSize == 0);
  uint8_t bytes[kWordSize];
  Load(paddr, bytes, kWordSize);
  return GetLe64(bytes);
}

}  // namespace daxsim::nvdimm
