// The page-fill layer of the pmem model: whole-page NT writes (write_pmem() of a page, the zero
// page of pmem_dax_zero_page_range()) kept per run of pages instead of per line, pending until a
// fence, persisted per page as a unit by a crash; a line touched later leaves the unit (pmem.h).
// Mirrors: drivers/nvdimm/pmem.c pmem_do_write(), pmem_dax_zero_page_range() (v6.1).
// Scheduling points: none.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "sim/check.h"
#include "sim/nvdimm/pmem.h"

namespace daxsim::nvdimm {
namespace {

constexpr uint64_t kLinesPerPage = Pmem::kPageSize / Pmem::kLineSize;
constexpr uint64_t kWordSize = 8;
constexpr uint64_t kAllLines = ~uint64_t{0};

// The first run that starts after pgoff.
template <typename Fills>
auto RunAfter(Fills& fills, uint64_t pgoff) {
  return std::upper_bound(fills.begin(), fills.end(), pgoff,
                          [](uint64_t pg, const auto& f) { return pg < f.start; });
}

}  // namespace

Pmem::FillContent Pmem::PageContent(const uint8_t* data) {
  if (std::memcmp(data, data + 1, kPageSize - 1) == 0) {  // every byte equals the next one
    return FillContent{true, data[0], nullptr};
  }
  auto page = std::make_shared<PageBytes>();
  std::memcpy(page->data(), data, kPageSize);
  return FillContent{true, 0, std::move(page)};
}

Pmem::Line Pmem::FillLine(const FillContent& content, uint64_t line_in_page) {
  DAXSIM_CHECK(content.present && line_in_page < kLinesPerPage);
  Line l;
  if (content.page == nullptr) {
    l.fill(content.byte);
  } else {
    std::memcpy(l.data(), content.page->data() + line_in_page * kLineSize, kLineSize);
  }
  return l;
}

void Pmem::CopyFill(const FillContent& content, uint64_t off, uint8_t* out, size_t n) {
  DAXSIM_CHECK(content.present && off + n <= kPageSize);
  if (content.page == nullptr) {
    std::memset(out, content.byte, n);
  } else {
    std::memcpy(out, content.page->data() + off, n);
  }
}

bool Pmem::SameBytes(const FillContent& a, const FillContent& b) {
  if (a == b) return true;
  for (uint64_t l = 0; l < kLinesPerPage; ++l) {
    if (FillLine(a, l) != FillLine(b, l)) return false;
  }
  return true;
}

const Pmem::PageFill* Pmem::FindFill(uint64_t pgoff) const {
  auto it = RunAfter(fills_, pgoff);
  if (it == fills_.begin()) return nullptr;
  --it;
  return pgoff < it->end ? &*it : nullptr;
}

void Pmem::SplitFillAt(uint64_t pgoff) {
  auto it = RunAfter(fills_, pgoff);
  if (it == fills_.begin()) return;
  --it;
  if (it->start == pgoff || it->end <= pgoff) return;  // already a boundary, or not inside
  PageFill upper = *it;
  upper.start = pgoff;
  it->end = pgoff;
  fills_.insert(std::next(it), std::move(upper));
}

size_t Pmem::IsolateFill(uint64_t pgoff) {
  SplitFillAt(pgoff);
  SplitFillAt(pgoff + 1);
  auto it = RunAfter(fills_, pgoff);
  if (it != fills_.begin() && std::prev(it)->start == pgoff) {
    return static_cast<size_t>(std::prev(it) - fills_.begin());
  }
  PageFill f;
  f.start = pgoff;
  f.end = pgoff + 1;
  const auto inserted = fills_.insert(it, std::move(f));  // may reallocate: begin() after it
  return static_cast<size_t>(inserted - fills_.begin());
}

// Neighbours of an isolated run were merged before it was split off, so one step each way
// restores the invariant; an emptied run leaves a gap, and there is nothing to merge.
void Pmem::CoalesceFill(size_t i) {
  if (fills_[i].Empty()) {
    fills_.erase(fills_.begin() + static_cast<ptrdiff_t>(i));
    return;
  }
  const auto mergeable = [this](size_t a) {
    return fills_[a].end == fills_[a + 1].start && fills_[a].SameState(fills_[a + 1]);
  };
  if (i + 1 < fills_.size() && mergeable(i)) {
    fills_[i].end = fills_[i + 1].end;
    fills_.erase(fills_.begin() + static_cast<ptrdiff_t>(i) + 1);
  }
  if (i > 0 && mergeable(i - 1)) {
    fills_[i - 1].end = fills_[i].end;
    fills_.erase(fills_.begin() + static_cast<ptrdiff_t>(i));
  }
}

void Pmem::CoalesceFills() {
  size_t out = 0;
  for (size_t i = 0; i < fills_.size(); ++i) {
    if (fills_[i].Empty()) continue;
    if (out > 0 && fills_[out - 1].end == fills_[i].start && fills_[out - 1].SameState(fills_[i])) {
      fills_[out - 1].end = fills_[i].end;
      continue;
    }
    if (out != i) fills_[out] = std::move(fills_[i]);
    ++out;
  }
  fills_.resize(out);
}

// The eight movnti of one line of a page write, joined: they persist together, and all of them
// are captured (an NT store is written back at once; the next fence guarantees it).
void Pmem::AppendFillGroup(CacheLine& cl, const Line& fill) {
  for (uint64_t w = 0; w < kLineSize; w += kWordSize) {
    const bool last = w + kWordSize == kLineSize;
    Piece p{static_cast<uint8_t>(w), static_cast<uint8_t>(kWordSize), {}, !last};
    std::memcpy(p.bytes.data(), &fill[w], kWordSize);
    cl.pieces.push_back(p);
  }
  cl.current = fill;
  cl.captured = cl.pieces.size();
}

void Pmem::MaterialiseLines(PageFill& f, uint64_t pgoff, uint64_t mask) {
  mask &= f.covered;
  const uint64_t first = FirstLineOf(pgoff);
  for (uint64_t b = 0; b < kLinesPerPage; ++b) {
    if ((mask >> b & 1) == 0) continue;
    // Pin the guaranteed content under the fill: the page's outcome no longer decides the line.
    CacheLine cl{MutableMediaLine(first + b), {}, 0};
    AppendFillGroup(cl, FillLine(f.pending, b));
    DAXSIM_CHECK(cache_.emplace(first + b, std::move(cl)).second);
  }
  f.covered &= ~mask;
  if (f.covered == 0) f.pending = FillContent{};
}

void Pmem::TouchLines(uint64_t pgoff, uint64_t mask) {
  const PageFill* f = FindFill(pgoff);
  if (f == nullptr || (f->covered & mask) == 0) return;
  const size_t i = IsolateFill(pgoff);
  MaterialiseLines(fills_[i], pgoff, mask);
  CoalesceFill(i);
}

void Pmem::DropCoveredMediaLines(const PageFill& f) {
  const uint64_t end = FirstLineOf(f.end);
  for (auto it = media_.lower_bound(FirstLineOf(f.start)); it != media_.end() && it->first < end;) {
    it = (f.covered >> (it->first % kLinesPerPage) & 1) != 0 ? media_.erase(it) : std::next(it);
  }
}

void Pmem::PersistFills(uint64_t pgoff_begin, uint64_t pgoff_end) {
  const auto in_range = [&](const PageFill& f) {
    return f.pending.present && f.start < pgoff_end && f.end > pgoff_begin;
  };
  if (std::none_of(fills_.begin(), fills_.end(), in_range)) return;
  SplitFillAt(pgoff_begin);
  SplitFillAt(pgoff_end);
  for (PageFill& f : fills_) {
    if (!in_range(f)) continue;
    DropCoveredMediaLines(f);  // older content under the fill; uncovered lines are pinned
    f.guaranteed = f.pending;
    f.pending = FillContent{};
    f.covered = 0;
  }
  CoalesceFills();
}

// REQUIRES (ADR): the page's cache lines are exactly its uncovered lines with pending state.
void Pmem::FillPage(uint64_t pgoff, const FillContent& content) {
  const size_t i = IsolateFill(pgoff);
  PageFill& f = fills_[i];
  const uint64_t first = FirstLineOf(pgoff);
  if (platform_ == Platform::kEadr) {  // persistent at once, over every line of the page
    media_.erase(media_.lower_bound(first), media_.lower_bound(first + kLinesPerPage));
    f.guaranteed = content;
  } else {
    // A second, different pending fill: the page leaves page granularity (per-line histories).
    if (f.pending.present && !SameBytes(f.pending, content)) MaterialiseLines(f, pgoff, f.covered);
    // Lines with pending stores keep their histories: the fill joins them as one group.
    uint64_t covered = kAllLines;
    for (auto it = cache_.lower_bound(first);
         it != cache_.end() && it->first < first + kLinesPerPage; ++it) {
      MutableMediaLine(it->first);  // pin, as MaterialiseLines()
      AppendFillGroup(it->second, FillLine(content, it->first - first));
      covered &= ~(uint64_t{1} << (it->first - first));
    }
    f.covered = covered;
    f.pending = covered != 0 ? content : FillContent{};
  }
  CoalesceFill(i);
}

bool Pmem::FillDurable(uint64_t paddr, size_t len) const {
  const uint64_t end = paddr + len;
  const uint64_t pg_begin = PgoffOfLine(paddr / kLineSize);
  const uint64_t pg_end = PgoffOfLine((end - 1) / kLineSize) + 1;
  auto f = RunAfter(fills_, pg_begin);
  if (f != fills_.begin()) --f;  // the run holding pg_begin, if any
  for (; f != fills_.end() && f->start < pg_end; ++f) {
    if (!f->pending.present) continue;
    for (uint64_t pg = std::max(f->start, pg_begin); pg < std::min(f->end, pg_end); ++pg) {
      for (uint64_t b = 0; b < kLinesPerPage; ++b) {
        const uint64_t line_start = (FirstLineOf(pg) + b) * kLineSize;
        if ((f->covered >> b & 1) == 0 || line_start >= end || line_start + kLineSize <= paddr) {
          continue;
        }
        // Every crash image holds the guaranteed line or the fill: both must show the fill.
        const uint64_t lo = std::max(paddr, line_start) - line_start;
        const uint64_t hi = std::min(end, line_start + kLineSize) - line_start;
        const Line was = GuaranteedLine(FirstLineOf(pg) + b);
        const Line now = FillLine(f->pending, b);
        if (!std::equal(was.begin() + lo, was.begin() + hi, now.begin() + lo)) return false;
      }
    }
  }
  return true;
}

void Pmem::CrashFills(const std::vector<bool>& kept) {
  std::vector<PageFill> out;
  const auto push = [&out](PageFill p) {
    if (!out.empty() && out.back().end == p.start && out.back().SameState(p)) {
      out.back().end = p.end;
    } else if (!p.Empty()) {
      out.push_back(std::move(p));
    }
  };
  size_t k = 0;
  for (const PageFill& f : fills_) {
    if (!f.pending.present) {
      push(f);
      continue;
    }
    for (uint64_t pg = f.start; pg < f.end; ++pg) {
      PageFill p = f;
      p.start = pg;
      p.end = pg + 1;
      DAXSIM_CHECK(k < kept.size());
      if (kept[k++]) {
        DropCoveredMediaLines(p);
        p.guaranteed = p.pending;
      }
      p.pending = FillContent{};
      p.covered = 0;
      push(std::move(p));
    }
  }
  DAXSIM_CHECK(k == kept.size());
  fills_ = std::move(out);
}

}  // namespace daxsim::nvdimm
