// Digests of the pmem model for stateful exploration (sim/digest.h): the whole device, and one
// page as a load, store or flush of it observes it. Both digest the stored representation
// (media lines, cache lines with their piece histories, page-fill runs, error sets) in address
// order, so equal states reached in any order digest equally. Scheduling points: none.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <set>

#include "sim/check.h"
#include "sim/digest.h"
#include "sim/nvdimm/pmem.h"

namespace daxsim::nvdimm {
namespace {

using sim::Mix;

constexpr uint64_t kLinesPerPage = Pmem::kPageSize / Pmem::kLineSize;

using sim::MixBytes;

// Templates: the argument types are Pmem's private structs, which deduction may name.
template <typename Line>
uint64_t MixLine(uint64_t h, uint64_t line, const Line& l) {
  return MixBytes(Mix(h, line), l.data(), l.size());
}

template <typename CacheLine>
uint64_t MixCacheLine(uint64_t h, uint64_t line, const CacheLine& cl) {
  h = Mix(Mix(MixLine(h, line, cl.current), cl.pieces.size()), cl.captured);
  for (const auto& p : cl.pieces) {
    h = Mix(h, p.offset | uint64_t{p.len} << 8 | uint64_t{p.with_next} << 16);
    h = MixBytes(h, p.bytes.data(), p.len);
  }
  return h;
}

// A fill's bytes, never its shared page's address: absent, one repeated byte, or a whole page.
template <typename FillContent>
uint64_t MixFill(uint64_t h, const FillContent& c) {
  if (!c.present) return Mix(h, 0);
  if (c.page == nullptr) return Mix(Mix(h, 1), c.byte);
  return MixBytes(Mix(h, 2), c.page->data(), c.page->size());
}

template <typename PageFill>
uint64_t MixFillState(uint64_t h, const PageFill& f) {
  return Mix(MixFill(MixFill(h, f.guaranteed), f.pending), f.covered);
}

uint64_t MixSet(uint64_t h, const std::set<uint64_t>& s) {
  h = Mix(h, s.size());
  for (uint64_t v : s) h = Mix(h, v);
  return h;
}

// The entries of `m` with keys in [first, first + n), keyed relative to first, counted first.
template <typename Map, typename MixEntry>
uint64_t MixRange(uint64_t h, const Map& m, uint64_t first, uint64_t n, MixEntry mix_entry) {
  const auto begin = m.lower_bound(first), end = m.lower_bound(first + n);
  h = Mix(h, static_cast<uint64_t>(std::distance(begin, end)));
  for (auto it = begin; it != end; ++it) h = mix_entry(h, it->first - first, it->second);
  return h;
}

}  // namespace

// Left out: direct_access_calls_ (statistics, see pmem.h). Immutable geometry is mixed in too.
uint64_t Pmem::Digest() const {
  uint64_t h = Mix(Mix(Mix(base_pfn_, pages_), static_cast<uint64_t>(platform_)), alive_);
  h = Mix(Mix(h, static_cast<uint64_t>(crash_line_choices_max_)), media_.size());
  for (const auto& [line, l] : media_) h = MixLine(h, line, l);
  h = Mix(h, cache_.size());
  for (const auto& [line, cl] : cache_) h = MixCacheLine(h, line, cl);
  h = Mix(h, fills_.size());
  for (const PageFill& f : fills_) h = MixFillState(Mix(Mix(h, f.start), f.end), f);
  return MixSet(MixSet(MixSet(h, badblocks_), latent_), poisoned_);
}

uint64_t Pmem::AccessDigest() const { return MixSet(Mix(0xacce55, alive_), badblocks_); }

// Device-wide: alive_ (every access fails once Kill()ed), whether any bad block exists (it
// changes DirectAccess() of any page), the platform. The crash bound is read only by Crash(),
// an operation on the whole device, so it is left to Digest().
uint64_t Pmem::PageDigest(uint64_t page) const {
  DAXSIM_CHECK(page < pages_);
  uint64_t h = Mix(Mix(Mix(page, static_cast<uint64_t>(platform_)), alive_), badblocks_.empty());
  h = Mix(Mix(Mix(h, IsBadBlock(page)), HasLatentError(page)), IsPoisoned(base_pfn_ + page));
  const uint64_t first = FirstLineOf(page);
  h = MixRange(h, media_, first, kLinesPerPage,
               [](uint64_t h2, uint64_t b, const Line& l) { return MixLine(h2, b, l); });
  h = MixRange(h, cache_, first, kLinesPerPage, [](uint64_t h2, uint64_t b, const CacheLine& cl) {
    return MixCacheLine(h2, b, cl);
  });
  const PageFill none;  // no run digests as an empty one
  const PageFill* f = FindFill(page);
  return MixFillState(h, f != nullptr ? *f : none);
}

}  // namespace daxsim::nvdimm
