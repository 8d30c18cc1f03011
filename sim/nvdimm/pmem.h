// Models a pmem namespace and the x86 persistence domain in front of it: media bytes (sparse),
// a CPU cache of 64-byte lines whose stores persist only after clwb/clflushopt + sfence (ADR) or
// at once (eADR), non-temporal stores, crash images, bad blocks, poison and device death.
// Mirrors: drivers/nvdimm/pmem.c, drivers/dax/super.c dax_direct_access(), x86 memcpy_flushcache
// (v6.1). Scheduling points: none; a pure deterministic data model, callers put points around
// calls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace daxsim::nvdimm {

enum class Platform {
  kAdr,   // only the memory controller's write queues survive power failure: flush + fence
  kEadr,  // the CPU caches are in the persistence domain too: every completed store persists
};

// Addresses: `paddr` is a physical byte address inside the namespace. The model's direct map is
// the identity, so the `kaddr` that DirectAccess() returns equals the physical address and can be
// passed straight to Store()/Load().
//
// Persistence model (ADR). Every store is split into pieces that never cross an aligned 8-byte
// word (each piece is atomic with respect to power failure) and appended, in program order, to the
// history of its 64-byte line. A line is written back atomically at some moment (a spontaneous
// eviction may happen at any time), so after a crash a line holds its guaranteed content plus a
// PREFIX of its not-yet-guaranteed pieces; lines are independent of each other. clwb/clflushopt
// (and NT stores) capture the line's history so far; the next sfence makes that captured prefix
// guaranteed. clflush is ordered with later stores: it guarantees the line at once. NT stores join
// the line's history and are captured at once (an NT store to a cached line evicts the line, per
// the Intel SDM), so they are guaranteed at the next fence.
//
// Page fills. Whole-page writes (WriteClearPoison(), ZeroPageRange()) are NT stores of a whole
// page, kept per page instead of per line so that zeroing 2 MiB costs O(pages), not 32768 line
// histories. Under eADR a page fill is guaranteed at once; under ADR it is pending until the next
// fence (Sfence(), NvdimmFlush(), ArchWbCacheInvalidate(); Clflush() of the whole page), and a
// crash persists the fill of the page's untouched lines as ONE UNIT: all of them or none. This is
// a SIMPLIFICATION: real hardware may persist any subset of the 64 lines (and any prefix of each
// line's eight movnti); the model explores a subset of those images. A line of a pending-fill page
// that a later store, NT store or clflush touches leaves the unit and takes the per-line model:
// the fill's 64 bytes join the line's history as one piece group (persisting together), so later
// stores persist only on top of the fill and earlier stores only under it. A second fill of a
// pending page with the same bytes changes nothing; with other bytes, every line of the page
// falls back to the per-line model (O(lines) again, as before page fills).
//
// Copyable: a copy is an independent snapshot (useful to enumerate crash images from one state).
class Pmem {
 public:
  static constexpr uint64_t kPageSize = 4096;
  static constexpr uint64_t kLineSize = 64;
  static constexpr uint64_t kPmdPages = 512;
  // Never-written media reads as this tag | pgoff in every 8-byte word (little-endian).
  static constexpr uint64_t kStaleTag = 0x57A1E00000000000ULL;
  static constexpr int kCrashLineChoicesMaxDefault = 8;
  static constexpr const char* kCrashPrefixLabel = "crash: line persisted prefix";
  static constexpr const char* kCrashAllOrNothingLabel = "crash: line persisted all or nothing";
  static constexpr const char* kCrashPageFillLabel = "crash: page fill persisted";

  // Picks a value in [0, n) (n >= 2); Sim::Choose has this shape.
  using Chooser = std::function<int(int n, const char* label)>;

  struct DirectAccessResult {
    int err = 0;         // 0, -EIO, -ENXIO, -ERANGE or -EINVAL
    uint64_t kaddr = 0;  // byte address of pgoff (0 on error)
    uint64_t pfn = 0;    // pfn of pgoff (0 on error)
    int64_t avail = 0;   // pages usable from pgoff, <= nr_pages (0 on error)
  };

  // REQUIRES: pages > 0; the namespace fits below 2^52 pfns.
  Pmem(uint64_t base_pfn, uint64_t pages, Platform platform = Platform::kAdr);

  uint64_t base_pfn() const { return base_pfn_; }
  uint64_t pages() const { return pages_; }
  Platform platform() const { return platform_; }

  // ---- Namespace geometry ----
  bool OwnsPfn(uint64_t pfn) const { return pfn >= base_pfn_ && pfn - base_pfn_ < pages_; }
  uint64_t PfnToPgoff(uint64_t pfn) const;    // REQUIRES: OwnsPfn(pfn)
  uint64_t PgoffToPfn(uint64_t pgoff) const;  // REQUIRES: pgoff < pages()
  static uint64_t StaleWord(uint64_t pgoff) { return kStaleTag | pgoff; }

  // Mirrors: drivers/dax/super.c dax_direct_access() over drivers/nvdimm/pmem.c
  // __pmem_direct_access() (v6.1, DAX_ACCESS mode). In kernel order: -ENXIO once Kill()ed;
  // -EINVAL if nr_pages < 0; -EIO if a bad block lies in [pgoff, pgoff + nr_pages); -ERANGE if
  // nothing is available (pgoff >= pages(); or nr_pages == 0 while the device has bad blocks).
  // avail: pages from pgoff to the end of the namespace, capped at nr_pages.
  DirectAccessResult DirectAccess(uint64_t pgoff, int64_t nr_pages) const;
  // How many DirectAccess() calls were made (the fault path's device-call cost).
  int64_t direct_access_calls() const { return direct_access_calls_; }

  // ---- CPU side (REQUIRES for all: [paddr, paddr + len) inside the namespace) ----
  // Cached store: under ADR pending in the cache until written back; under eADR persistent.
  void Store(uint64_t paddr, const uint8_t* data, size_t len);
  // Non-temporal store (movnti): guaranteed persistent at the next Sfence().
  void NtStore(uint64_t paddr, const uint8_t* data, size_t len);
  // Newest content (cache, else a pending page fill, else media, else a guaranteed page fill, else
  // the stale pattern). Ignores poison.
  void Load(uint64_t paddr, uint8_t* out, size_t len) const;
  // As Load(), but a range touching a poisoned page or a bad block machine-checks: returns false
  // and leaves `out` untouched (the VM turns that into SIGBUS / BUS_MCEERR_AR).
  bool LoadChecked(uint64_t paddr, uint8_t* out, size_t len) const;
  // Write back the lines' current content at the next Sfence() (unordered with later stores).
  void Clwb(uint64_t paddr, size_t len);
  void Clflushopt(uint64_t paddr, size_t len);  // same as Clwb: invalidation is not modelled
  // Ordered with later stores: the lines' current content is guaranteed at once (clwb + fence
  // for these lines only, S24(d)).
  void Clflush(uint64_t paddr, size_t len);
  // Completes every captured write-back and NT store: their content becomes guaranteed.
  void Sfence();
  // Mirrors: arch/x86/lib/usercopy_64.c __memcpy_flushcache() (v6.1): a cached store + clwb up to
  // 8-byte alignment, movnti for 8-byte then one 4-byte chunk, a cached store + clwb for the last
  // 1-3 bytes. Needs an Sfence() to be durable.
  void MemcpyFlushcache(uint64_t paddr, const uint8_t* data, size_t len);
  // wbinvd: writes back every line and, being serialising, drains NT stores: all guaranteed.
  void ArchWbCacheInvalidate();
  // Mirrors: drivers/nvdimm/region_devs.c generic_nvdimm_flush() (v6.1): wmb() (an Sfence()),
  // then writes to the flush hints. The hint writes only narrow an ADR-failure domain, which is
  // out of model, so the result equals Sfence(). Returns 0.
  int NvdimmFlush();

  // ---- Power failure ----
  // Replaces the media with one persistent image the platform allows and reboots: the cache and
  // the NT stores vanish, poison (volatile page flags) is forgotten and a Kill()ed device comes
  // back; media content and bad blocks stay. ADR: the uncertain units are the lines with
  // not-yet-guaranteed pieces and the pages with a pending fill, in address order (a page before
  // its own lines). For a line with k pieces, choose(k + 1, kCrashPrefixLabel) picks how many
  // persist (a piece group counts as one piece: the prefix never splits it); for a page,
  // choose(2, kCrashPageFillLabel) whether its fill persists (1 = yes). Bound: only the first
  // CrashLineChoicesMax() units get those choices; every later one persists all or nothing,
  // choose(2, kCrashAllOrNothingLabel) (1 = all). eADR: no choice.
  // Beyond the bound the images explored are a subset of those the model allows: no false alarm,
  // possibly a missed one. A line's history grows until a fence covers it, so a line stored to k
  // times without a flush has k + 1 options.
  void Crash(const Chooser& choose);
  // Number of images Crash() can produce now under the bound (saturates at INT64_MAX).
  int64_t CrashImageCount() const;
  void SetCrashLineChoicesMax(int lines_max);  // REQUIRES: lines_max >= 0
  int CrashLineChoicesMax() const { return crash_line_choices_max_; }

  // ---- Media errors (pgoff: page index in the namespace) ----
  void InjectBadBlock(uint64_t pgoff);  // as ndctl inject-error: also machine-checks loads
  // A latent media error: loads machine-check, but the driver does not know it yet (direct
  // access still succeeds) until an address range scrub (Scrub()) publishes it as a bad block.
  void InjectLatentError(uint64_t pgoff) { latent_.insert(pgoff); }
  bool HasLatentError(uint64_t pgoff) const { return latent_.count(pgoff) != 0; }
  // ARS: every latent error becomes a known bad block. Returns how many were found.
  int Scrub();
  // Mirrors: drivers/nvdimm/pmem.c pmem_clear_poison() for one page: drops the bad block and the
  // page's poison; content stays as it was.
  void ClearBadBlock(uint64_t pgoff);
  bool IsBadBlock(uint64_t pgoff) const { return badblocks_.count(pgoff) != 0; }
  std::vector<uint64_t> BadBlocks() const;  // sorted
  // Mirrors: drivers/nvdimm/pmem.c pmem_do_write() for one whole page (the block path):
  // clears poison if the page is bad, then write_pmem() (MemcpyFlushcache of an aligned page: NT
  // stores only, kept as a page fill; no fence: a REQ_FUA caller adds NvdimmFlush()).
  // data: kPageSize bytes. Returns 0, or -ENXIO once Kill()ed.
  // REQUIRES: pgoff < pages().
  int WriteClearPoison(uint64_t pgoff, const uint8_t* data);
  // Mirrors: drivers/nvdimm/pmem.c pmem_dax_zero_page_range(): WriteClearPoison() of the zero
  // page over [pgoff, pgoff + nr_pages). Returns 0 or the first error.
  int ZeroPageRange(uint64_t pgoff, uint64_t nr_pages);
  // SetPageHWPoison() of a pmem page (mm/memory-failure.c mf_generic_kill_procs(), 6.1). A page
  // flag only: nothing on 6.1's DAX paths reads it (the fault path and dax_direct_access() check
  // badblocks), and an injected failure (madvise(MADV_HWPOISON)) leaves the media good, so loads
  // do not machine-check. Media errors are bad blocks (InjectBadBlock) and latent errors.
  void Poison(uint64_t pfn);
  bool IsPoisoned(uint64_t pfn) const { return poisoned_.count(pfn) != 0; }

  // ---- Device lifetime ----
  void Kill() { alive_ = false; }  // Mirrors: drivers/dax/super.c kill_dax() (device unbind)
  bool alive() const { return alive_; }

  // ---- Introspection for invariants and tests ----
  // The line holds stores that are not yet guaranteed persistent (always false under eADR).
  bool LineDirty(uint64_t paddr) const;
  // Every crash image the model allows (regardless of the crash bound) holds the current content
  // of [paddr, paddr + len).
  bool Durable(uint64_t paddr, size_t len) const;
  uint64_t ReadWord(uint64_t paddr) const;  // newest content, little-endian; REQUIRES: 8-aligned
  // Lines held in the sparse structures (media written + cache lines); 0 for a fresh device of
  // any size, so memory is O(lines touched).
  size_t SparseLineCount() const { return media_.size() + cache_.size(); }
  // Runs of pages with whole-page-write state (a run of equal state is one entry), so whole-page
  // writes cost O(runs) memory.
  size_t SparseFillCount() const { return fills_.size(); }

  // ---- Digests for stateful exploration (sim/digest.h; pmem_digest.cc) ----
  // Every mutable state a later operation or check can observe, as stored, in address order.
  uint64_t Digest() const;
  // What a load/store/flush of `page` (a pgoff < pages()) observes, with device-wide access state.
  uint64_t PageDigest(uint64_t page) const;
  // What DirectAccess() reads: liveness and the bad-block list (sim::StateModel::AmbientDigest).
  uint64_t AccessDigest() const;

 private:
  using Line = std::array<uint8_t, kLineSize>;
  using PageBytes = std::array<uint8_t, kPageSize>;
  // Part of one store inside one aligned 8-byte word: atomic with respect to power failure.
  struct Piece {
    uint8_t offset;  // in the line
    uint8_t len;     // 1..8
    std::array<uint8_t, 8> bytes;
    bool with_next = false;  // persists only together with the next piece (a line of a page fill)
  };
  struct CacheLine {
    Line current;               // newest content of the line
    std::vector<Piece> pieces;  // stores not yet guaranteed persistent, in program order
    size_t captured = 0;        // leading pieces a write-back (clwb, NT) will guarantee at sfence
  };

  // What a whole-page write stored: one byte repeated, or an immutable page shared by copies.
  struct FillContent {
    bool present = false;
    uint8_t byte = 0;                                     // every byte, when `page` is null
    std::shared_ptr<const PageBytes> page;                // never mutated once shared
    bool operator==(const FillContent&) const = default;  // same byte, same shared page
  };
  // The whole-page-write state of every page in [start, end). A line's guaranteed content is its
  // media line, else `guaranteed`, else the stale pattern; a `covered` line shows `pending` above
  // that. Invariants: `pending` is present iff covered != 0 (ADR only); in a page with a pending
  // fill, no covered line has a cache line, and every uncovered line has a media line (so the
  // line's guaranteed content does not depend on `guaranteed`).
  struct PageFill {
    uint64_t start = 0;
    uint64_t end = 0;
    FillContent guaranteed;  // absent: the stale pattern
    FillContent pending;     // a whole-page NT write not yet fenced
    uint64_t covered = 0;    // bit i: line i of each page still shows `pending`
    bool SameState(const PageFill& o) const {
      return guaranteed == o.guaranteed && pending == o.pending && covered == o.covered;
    }
    bool Empty() const { return !guaranteed.present && !pending.present; }
  };

  void CheckRange(uint64_t paddr, size_t len) const;
  uint64_t FirstLineOf(uint64_t pgoff) const;
  uint64_t PgoffOfLine(uint64_t line) const;
  Line StaleLine(uint64_t line) const;
  static Line FillLine(const FillContent& content, uint64_t line_in_page);
  // Copies bytes [off, off + n) of a fill's page.
  static void CopyFill(const FillContent& content, uint64_t off, uint8_t* out, size_t n);
  // Load() of [off, off + len) inside page pgoff.
  void LoadInPage(uint64_t pgoff, uint64_t off, uint8_t* out, size_t len) const;
  Line GuaranteedLine(uint64_t line) const;  // what every crash image holds at least
  bool Covered(uint64_t line) const;         // shows a pending page fill
  Line& MutableMediaLine(uint64_t line);     // the guaranteed content, pinned in media_
  // Splits [paddr, paddr + len) into pieces and appends them to their lines' histories;
  // `capture`: also capture the lines for the next fence (an NT store's eviction).
  void AppendStore(uint64_t paddr, const uint8_t* data, size_t len, bool capture);
  void AppendLine(uint64_t line, size_t offset, const uint8_t* data, size_t n, bool capture);
  // Applies the first n pieces of `it` to the media and drops them (erasing an emptied line).
  std::map<uint64_t, CacheLine>::iterator Guarantee(std::map<uint64_t, CacheLine>::iterator it,
                                                    size_t n);
  bool PageHasError(uint64_t pfn) const;

  // ---- Page fills (pmem_fill.cc) ----
  const PageFill* FindFill(uint64_t pgoff) const;
  void SplitFillAt(uint64_t pgoff);    // an extent boundary at pgoff
  size_t IsolateFill(uint64_t pgoff);  // index of the extent [pgoff, pgoff + 1), created if none
  void CoalesceFill(size_t i);         // drops an empty extent i or merges it with its neighbours
  void CoalesceFills();
  static void AppendFillGroup(CacheLine& cl, const Line& fill);
  // The covered lines of `mask` in page `pgoff` (whose extent is `f`) leave the page unit: each
  // gets its media line pinned and a cache line holding the fill as one captured piece group.
  void MaterialiseLines(PageFill& f, uint64_t pgoff, uint64_t mask);
  void TouchLines(uint64_t pgoff, uint64_t mask);               // MaterialiseLines() for any page
  void PersistFills(uint64_t pgoff_begin, uint64_t pgoff_end);  // pending fills become guaranteed
  void DropCoveredMediaLines(const PageFill& f);
  void FillPage(uint64_t pgoff, const FillContent& content);
  int WritePage(uint64_t pgoff, const FillContent& content);
  static FillContent PageContent(const uint8_t* data);
  static bool SameBytes(const FillContent& a, const FillContent& b);
  bool FillDurable(uint64_t paddr, size_t len) const;  // the covered lines of the range
  // Applies a crash's page outcomes (one per pending page, in address order): a kept fill
  // becomes guaranteed, the others vanish.
  void CrashFills(const std::vector<bool>& kept);
  // Visits the uncertain units of a crash in address order (a page before its own lines):
  // on_line(line, cache_line) and on_page(pgoff) for a page with a pending fill.
  template <typename OnLine, typename OnPage>
  void ForEachUncertain(OnLine on_line, OnPage on_page) const;

  uint64_t base_pfn_;
  uint64_t pages_;
  Platform platform_;
  bool alive_ = true;
  int crash_line_choices_max_ = kCrashLineChoicesMaxDefault;
  std::map<uint64_t, Line> media_;       // line index (paddr / 64) -> guaranteed content
  std::map<uint64_t, CacheLine> cache_;  // lines with not-yet-guaranteed stores
  // Sorted, disjoint, non-empty page runs, equal neighbours merged. A vector: runs are few (one
  // per zeroed extent), and it keeps sizeof(Pmem) small.
  std::vector<PageFill> fills_;
  std::set<uint64_t> badblocks_;  // pgoffs
  std::set<uint64_t> latent_;     // pgoffs with media errors not yet scrubbed
  std::set<uint64_t> poisoned_;   // pfns
  // Statistics only, never read by the model (a cost report reads it): left out of Digest().
  mutable int64_t direct_access_calls_ = 0;
};

}  // namespace daxsim::nvdimm
