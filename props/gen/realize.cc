// Realization of workload sketches (sketch.h): integer choices (RapidCheck shrinks them towards 0,
// the simplest option) and the realization of a sketch into a valid workload. Realization runs in
// two passes, as the executor's setup does: first every actor's leading mmaps become setup
// mappings of its mm (visible to every thread of that mm), then each actor's other ops are
// resolved in program order against the mappings it can see; an op with nothing to name is
// dropped. Choices are weighted towards the offsets where the DAX fault path has edges: 0, page
// boundaries, the last page before EOF, the 2 MiB boundary.
#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "props/gen/sketch.h"

namespace daxsim::props {
namespace {

using models::workload::Actor;
using models::workload::FileSetup;
using models::workload::kActorsMax;
using models::workload::kFilesMax;
using models::workload::kPageSize;
using models::workload::kPmdSize;
using models::workload::Op;
using models::workload::OpCode;
using models::workload::Workload;

constexpr uint64_t kK = 1024;
constexpr uint64_t kM = 1024 * 1024;
static_assert(1 + 2 * kSketchOpsMax + 1 <= models::workload::kOpsPerActorMax);

constexpr const char* kFileNames[kFilesMax] = {"f", "g", "h", "i", "j", "k", "l", "n"};

// Op kinds of a sketch, simplest first.
enum Kind {
  kStore,
  kLoad,
  kMmap,
  kWrite,
  kRead,
  kFsync,
  kMsync,
  kTruncate,
  kPunch,
  kFallocate,
  kZeroRange,
  kMadvise,
  kPin,
  kCrash,
  kMunmap,
  kClwb,  // clwb of a range, then sfence (PMDK's persist)
  kPoison,
  kBadBlock,
  kScrub,
  kUnbind,
  kKinds,
};

// Kinds a swarm may leave out (all but store and load).
bool Optional(size_t kind) { return kind != kStore && kind != kLoad; }

uint64_t Norm(int v) { return static_cast<unsigned>(v) % static_cast<unsigned>(kChoices); }

// Swarm testing of the workload's shape, not only of its operation kinds: a swarm choice also
// turns each of these features on with probability 1/2, and a feature moves the weights of its
// choices. A bug that needs several of them at once (threads sharing one huge private mapping,
// a sparse file read while written) is then drawn in one workload in 2^k instead of in the
// product of their default weights. Swarm 0 (what shrinking moves towards) has none.
struct Style {
  bool threads = false;  // actors join an earlier actor's process (one mm, shared mappings)
  bool huge = false;     // files of 2 MiB and more, PMD-sized mappings
  bool priv = false;     // mostly MAP_PRIVATE mappings
  bool holes = false;    // sparse files: no setup extent
  bool narrow = false;   // the swarm keeps each optional operation kind with probability 1/4
  bool focus = false;    // one file, and offsets mostly at its first page: every op conflicts
  bool nomem = false;    // allocations may fail (params alloc_failures=1): a quarter of swarms
};

Style StyleOf(int swarm, const GenOptions& options) {
  if (!options.allow_swarm || !options.allow_shapes || Norm(swarm) == 0) return {};
  const uint64_t bits = sim::MixSeed(0x57e1, Norm(swarm));
  return {(bits & 1) != 0,
          (bits & 2) != 0,
          options.allow_private && (bits & 4) != 0,
          (bits & 8) != 0,
          (bits & 16) != 0,
          (bits & 32) != 0,
          options.allow_alloc_failures && (bits >> 6 & 3) == 0};
}

// The index of the weighted option that choice `v` falls in (options of weight 0 are never
// picked; at least one weight must be positive). Monotone: a smaller `v` gives a smaller index.
size_t Pick(int v, const std::vector<int>& weights) {
  int64_t sum = 0;
  for (int w : weights) sum += std::max(w, 0);
  int64_t t = static_cast<int64_t>(Norm(v)) * sum / kChoices;
  size_t last = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (t < weights[i]) return i;
    t -= weights[i];
    last = i;
  }
  return last;
}

struct Candidate {
  uint64_t value;
  int weight;  // 0: not valid here
};

// Picks a candidate's value; the first candidate must always be valid.
uint64_t PickValue(int v, const std::vector<Candidate>& candidates) {
  std::vector<int> weights;
  for (const Candidate& c : candidates) weights.push_back(c.weight);
  return candidates[Pick(v, weights)].value;
}

uint64_t RoundUpPage(uint64_t n) { return (n + kPageSize - 1) / kPageSize * kPageSize; }

// A random page index below `pages` (> 0).
uint64_t RandomPage(int v, uint64_t pages) { return Norm(v) % pages; }

// The file's pages at setup, and one more (its EOF page).
uint64_t FilePages(const FileSetup& f) { return RoundUpPage(f.size) / kPageSize + 1; }

struct Mapping {
  std::string name;
  std::string file;
  uint64_t file_size;  // i_size at setup
  uint64_t offset;     // file offset of the mapping
  uint64_t length;
  bool shared;
};

struct Builder {
  const GenOptions& options;
  Style style;
  std::vector<FileSetup> files;
  int next_map = 1;
  uint64_t left_out = 0;  // swarm: bit k set = kind k is not drawn

  const FileSetup& FileOf(int target) const {
    return style.focus ? files[0] : files[Norm(target) % files.size()];
  }
  // The weight factor of offset 0 (focus: most ops land on the same page and entry).
  int Hot() const { return style.focus ? 8 : 1; }

  // The kinds a swarm choice leaves out: each optional kind with probability 1/2 (3/4 when
  // the style is narrow).
  static uint64_t LeftOut(int swarm, const GenOptions& options) {
    if (!options.allow_swarm || Norm(swarm) == 0) return 0;
    const uint64_t bits = sim::MixSeed(0x5a4d, Norm(swarm));
    const uint64_t more = StyleOf(swarm, options).narrow ? sim::MixSeed(0x5a4e, Norm(swarm)) : 0;
    uint64_t out = 0;
    for (size_t k = 0; k < kKinds; ++k) {
      if (Optional(k) && ((bits | more) >> k & 1)) out |= uint64_t{1} << k;
    }
    return out;
  }

  // Sketch op kinds, weighted; crash and errors only where allowed, minus the swarm's.
  size_t KindOf(const OpSketch& s) const {
    const int err = options.allow_errors ? 1 : 0;
    const int pin = options.allow_pins ? 4 : 0, crash = options.allow_crash ? 3 : 0;
    // In Kind's order: store, load, mmap, write, read, fsync, msync, truncate, punch,
    // fallocate, zero-range, madvise, pin, crash, munmap, clwb, poison, badblock, scrub, unbind.
    std::vector<int> w = {24, 16, 8,   6,     5, 5, 5,       6,       5,   3,
                          3,  4,  pin, crash, 3, 3, 2 * err, 2 * err, err, err};
    for (size_t k = 0; k < w.size(); ++k) {
      if (left_out >> k & 1) w[k] = 0;
    }
    return Pick(s.kind, w);
  }

  Op MakeMmap(const OpSketch& s, Mapping* m) {
    const FileSetup& file = FileOf(s.target);
    Op op;
    op.code = OpCode::kMmap;
    op.map = "m" + std::to_string(next_map++);
    op.file = file.name;
    op.offset = PickValue(s.offset, {{0, 8 * Hot()},
                                     {kPageSize, file.size > kPageSize ? 2 : 0},
                                     {kPmdSize, file.size > kPmdSize ? 1 : 0}});
    const int huge = style.huge ? 4 : 1;
    op.length = PickValue(
        s.length,
        {{4 * kK, 4}, {8 * kK, 4}, {kPmdSize, 4 * huge}, {12 * kK, 1}, {2 * kPmdSize, huge}});
    const int priv = !options.allow_private ? 0 : style.priv ? 12 : 2;
    switch (Pick(s.extra, {6, priv, options.allow_sync ? 2 : 0, 1, priv / 2})) {
      case 0:
        break;
      case 1:
        op.shared = false;
        break;
      case 2:
        op.sync = true;
        break;
      case 3:
        op.write_access = false;  // PROT_READ
        break;
      default:
        op.shared = false;
        op.write_access = false;
        break;
    }
    *m = Mapping{op.map, file.name, file.size, op.offset, op.length, op.shared};
    return op;
  }

  // A map op's offset for an access of `n` bytes (n <= 4K <= m.length).
  static uint64_t AccessOffset(const OpSketch& s, const Mapping& m, uint64_t n, int hot) {
    auto fits = [&](uint64_t off, int weight) { return off + n <= m.length ? weight : 0; };
    const uint64_t eof_page = RoundUpPage(m.file_size);
    const bool has_eof = eof_page >= m.offset + kPageSize;
    const uint64_t eof_rel = has_eof ? eof_page - kPageSize - m.offset : 0;
    const uint64_t random_page = RandomPage(s.extra, m.length / kPageSize) * kPageSize;
    const uint64_t random_word = Norm(s.extra) * (m.length - n) / kChoices & ~uint64_t{7};
    return PickValue(s.offset, {
                                   {0, 20 * hot},
                                   {kPageSize, fits(kPageSize, 10)},
                                   {eof_rel, has_eof ? fits(eof_rel, 8) : 0},
                                   {kPmdSize, fits(kPmdSize, 4)},
                                   {kPmdSize - kPageSize, fits(kPmdSize - kPageSize, 4)},
                                   {kPageSize - 8, fits(kPageSize - 8, 4)},
                                   {m.length - n, 4},
                                   {random_page, fits(random_page, 8)},
                                   {random_word, fits(random_word, 3)},
                               });
  }

  // A page-aligned range inside the mapping; `pin` keeps it to one or two pages.
  static std::pair<uint64_t, uint64_t> PageRange(const OpSketch& s, const Mapping& m, bool pin,
                                                 int hot) {
    const uint64_t eof_page = RoundUpPage(m.file_size);
    const bool has_eof = eof_page >= m.offset + kPageSize;
    const uint64_t eof_rel = has_eof ? eof_page - kPageSize - m.offset : 0;
    auto inside = [&](uint64_t off, int weight) { return off < m.length ? weight : 0; };
    const uint64_t off = PickValue(s.offset, {{0, 6 * hot},
                                              {kPageSize, inside(kPageSize, 2)},
                                              {kPmdSize, inside(kPmdSize, 1)},
                                              {eof_rel, has_eof ? inside(eof_rel, 1) : 0}});
    const uint64_t rest = m.length - off;
    auto fits = [&](uint64_t len, int weight) { return len <= rest ? weight : 0; };
    const uint64_t len =
        pin ? PickValue(s.length, {{kPageSize, 4}, {2 * kPageSize, fits(2 * kPageSize, 1)}})
            : PickValue(s.length, {{kPageSize, 4},
                                   {rest, 3},
                                   {2 * kPageSize, fits(2 * kPageSize, 1)},
                                   {kPmdSize, fits(kPmdSize, 1)}});
    return {off, len};
  }

  static uint64_t Value(const OpSketch& s, size_t actor) {
    return 0x11 * (actor + 1) + Norm(s.value) % 8;  // nonzero, and tells the actors apart
  }

  // pin: mostly get_user_pages_fast() with FOLL_WRITE; a quarter take the slow path, a third
  // are read pins, one in eight is FOLL_LONGTERM (bits of `value` above those Value() reads).
  static void PinFlags(const OpSketch& s, Op* op) {
    const int f = Norm(s.value) / 8;
    op->gup_fast = f % 4 != 1;
    op->write_access = f / 4 % 3 != 1;
    op->longterm = f / 12 % 8 == 1;
  }

  // write/read: a few bytes at an edge of the file (its size at setup).
  static void FileAccess(const OpSketch& s, const FileSetup& file, Op* op, int hot) {
    const uint64_t size = file.size;
    op->offset = PickValue(s.offset, {{0, 8 * hot},
                                      {kPageSize, 4},
                                      {size >= 8 ? size - 8 : 0, size >= 8 ? 4 : 0},
                                      {kPmdSize - 8, 2},
                                      {kPageSize - 8, 2},
                                      {RandomPage(s.extra, FilePages(file)) * kPageSize, 2},
                                      {size, 2}});
    op->length = PickValue(s.length, {{8, 8}, {16, 1}, {kPageSize, 1}, {2 * kPageSize, 1}});
  }

  // punch / falloc / zero_range: page-aligned.
  static void FileRange(const OpSketch& s, const FileSetup& file, Op* op, int hot) {
    op->offset = PickValue(s.offset, {{0, 4 * hot},
                                      {kPageSize, 3},
                                      {kPmdSize, 1},
                                      {RandomPage(s.extra, FilePages(file)) * kPageSize, 2},
                                      {100, 1}});  // a partial page
    op->length = PickValue(s.length, {{kPageSize, 4}, {2 * kPageSize, 2}, {kPmdSize, 2}, {200, 1}});
  }

  static uint64_t TruncateSize(const OpSketch& s, const FileSetup& file) {
    return PickValue(s.offset, {{0, 4},
                                {kPageSize, 3},
                                {kM, 2},
                                {2 * kPageSize, 2},
                                {kPmdSize, 1},
                                {RandomPage(s.extra, FilePages(file)) * kPageSize, 2},
                                {100, 1},              // inside the first page
                                {file.size + 100, 1},  // past EOF, partial
                                {file.size > 100 ? file.size - 100 : 0, 1}});
  }
};

}  // namespace

namespace {

FileSetup RealizeFileStyled(const FileSketch& s, const std::string& name, const GenOptions& options,
                            const Style& style) {
  FileSetup file;
  file.name = name;
  const int huge = style.huge ? 4 : 1;
  file.size = PickValue(s.size, {
                                    {8 * kK, 14},
                                    {4 * kK, 12},
                                    {kPmdSize, 14 * huge},
                                    {12 * kK, 8},
                                    {0, 6},
                                    {2 * kPmdSize, 5 * huge},
                                    {kPmdSize + 8 * kK, 4 * huge},
                                    {kM, 3},
                                    {(1 + Norm(s.pages)) * kPageSize, 8},
                                    {1 + Norm(s.pages) * 4201 % (4 * kM), 4},
                                });
  const uint64_t pages = RoundUpPage(file.size) / kPageSize;
  const size_t kind = Pick(s.extent, {style.holes ? 24 : 6, 3, 3});
  if (pages == 0 || kind == 0) return file;
  FileSetup::Extent e;
  const uint64_t start = Norm(s.extent_start) < kChoices / 2 ? 0 : Norm(s.extent_start) % pages;
  const uint64_t room =
      std::min<uint64_t>(pages - start, std::max<size_t>(options.max_extent_pages, 1));
  const uint64_t len = Norm(s.extent_len) < kChoices * 2 / 5 ? room : 1 + Norm(s.extent_len) % room;
  e.offset = start * kPageSize;
  e.length = len * kPageSize;
  e.kind = kind == 1 ? FileSetup::Extent::kWritten : FileSetup::Extent::kUnwritten;
  e.fill = kind == 1 ? static_cast<uint8_t>((0x5a + Norm(s.fill)) % 256) : 0;
  file.extents.push_back(e);
  return file;
}

}  // namespace

FileSetup RealizeFile(const FileSketch& s, const std::string& name, const GenOptions& options) {
  return RealizeFileStyled(s, name, options, Style{});
}

Workload Realize(const WorkloadSketch& sketch, const GenOptions& options) {
  Builder b{
      options, StyleOf(sketch.swarm, options), {}, 1, Builder::LeftOut(sketch.swarm, options)};
  Workload w;
  w.name = "generated";
  if (b.style.nomem) w.params = "alloc_failures=1";
  for (size_t i = 0; i < std::min(sketch.files.size(), kFilesMax); ++i) {
    b.files.push_back(RealizeFileStyled(sketch.files[i], kFileNames[i], options, b.style));
  }
  if (b.files.empty()) b.files.push_back(RealizeFile(FileSketch{}, kFileNames[0], options));
  w.files = b.files;

  std::vector<ActorSketch> actors(sketch.actors.begin(),
                                  sketch.actors.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                              sketch.actors.size(), kActorsMax)));
  if (actors.empty()) actors.emplace_back();

  // Pass 1: names, mms and the leading mmaps (the setup mappings of each mm).
  std::map<std::string, std::vector<Mapping>> setup;
  std::vector<size_t> rest(actors.size());  // first sketch op after the leading mmaps
  for (size_t i = 0; i < actors.size(); ++i) {
    const ActorSketch& s = actors[i];
    Actor a;
    a.name = "T" + std::to_string(i + 1);
    std::vector<std::string> mms;  // processes so far: at most three
    for (const Actor& x : w.actors) {
      if (std::find(mms.begin(), mms.end(), x.mm) == mms.end()) mms.push_back(x.mm);
    }
    const int join = b.style.threads ? 4 : 1;
    const size_t mm = Pick(s.mm, {mms.size() < 3 ? 2 : 0, i > 0 ? join : 0, i > 1 ? join : 0});
    a.mm = mm == 0 ? a.name : w.actors[mm - 1].mm;
    Mapping m;
    if (Pick(s.setup, {1, 3}) == 1) {
      a.ops.push_back(b.MakeMmap(s.setup_mmap, &m));
      setup[a.mm].push_back(m);
    }
    const size_t n = std::min(s.ops.size(), kSketchOpsMax);
    size_t j = 0;
    for (; j < n && b.KindOf(s.ops[j]) == kMmap; ++j) {
      a.ops.push_back(b.MakeMmap(s.ops[j], &m));
      setup[a.mm].push_back(m);
    }
    rest[i] = j;
    w.actors.push_back(std::move(a));
  }

  // Pass 2: every other op, against the mappings the actor sees at that point.
  bool crashed = false;
  for (size_t i = 0; i < actors.size(); ++i) {
    const ActorSketch& s = actors[i];
    Actor& a = w.actors[i];
    std::vector<Mapping> visible = setup[a.mm];
    std::vector<std::string> own;  // mappings this actor made after setup (it may unmap them)
    bool crash = false;
    const size_t n = std::min(s.ops.size(), kSketchOpsMax);
    for (size_t j = rest[i]; j < n; ++j) {
      const OpSketch& o = s.ops[j];
      const size_t kind = b.KindOf(o);
      const Mapping* m = visible.empty() ? nullptr : &visible[Norm(o.target) % visible.size()];
      const FileSetup& file = b.FileOf(o.target);
      Op op;
      switch (kind) {
        case kMmap: {
          Mapping added;
          a.ops.push_back(b.MakeMmap(o, &added));
          visible.push_back(added);
          own.push_back(added.name);
          continue;
        }
        case kMunmap: {
          if (own.empty()) continue;
          const std::string name = own[Norm(o.target) % own.size()];
          own.erase(std::find(own.begin(), own.end(), name));
          const auto it = std::find_if(visible.begin(), visible.end(),
                                       [&](const Mapping& x) { return x.name == name; });
          op.code = OpCode::kMunmap;
          op.map = name;
          op.file = it->file;
          visible.erase(it);
          a.ops.push_back(op);
          continue;
        }
        case kScrub:
        case kUnbind:
          op.code = kind == kScrub ? OpCode::kScrub : OpCode::kUnbind;
          a.ops.push_back(op);
          continue;
        case kCrash:
          crash = j + 1 == n && !crashed;
          continue;
        case kStore:
        case kLoad:
        case kMsync:
        case kMadvise:
        case kPin:
        case kClwb:
        case kPoison:
          if (m == nullptr) continue;  // no mapping to name
          op.map = m->name;
          op.file = m->file;
          break;
        default:
          op.file = file.name;
          break;
      }
      switch (kind) {
        case kStore:
        case kLoad:
          op.code = kind == kStore ? OpCode::kStore : OpCode::kLoad;
          op.length = PickValue(o.length, {{8, 12}, {16, 1}});  // 16 at 4K-8 crosses a page
          op.offset = Builder::AccessOffset(o, *m, op.length, b.Hot());
          if (kind == kStore) op.value = Builder::Value(o, i);
          break;
        case kMsync:
        case kMadvise:
          op.code = kind == kMsync ? OpCode::kMsync : OpCode::kMadviseDontneed;
          std::tie(op.offset, op.length) = Builder::PageRange(o, *m, false, b.Hot());
          break;
        case kPin: {
          if (!m->shared && !b.options.allow_private_pin) {
            // Pin a shared mapping instead, if the actor sees one.
            m = nullptr;
            for (size_t k = 0; k < visible.size(); ++k) {
              const Mapping& c = visible[(Norm(o.target) + k) % visible.size()];
              if (c.shared) {
                m = &c;
                break;
              }
            }
            if (m == nullptr) continue;
            op.map = m->name;
            op.file = m->file;
          }
          op.code = OpCode::kPin;
          std::tie(op.offset, op.length) = Builder::PageRange(o, *m, true, b.Hot());
          Builder::PinFlags(o, &op);
          Op unpin = op;
          unpin.code = OpCode::kUnpin;
          unpin.value = Builder::Value(o, i);
          unpin.write_access = unpin.gup_fast = true;  // pin flags: not an unpin's
          unpin.longterm = false;
          a.ops.push_back(op);
          a.ops.push_back(unpin);  // the I/O completes before the actor goes on
          continue;
        }
        case kWrite:
        case kRead:
          op.code = kind == kWrite ? OpCode::kWrite : OpCode::kRead;
          Builder::FileAccess(o, file, &op, b.Hot());
          if (kind == kWrite) op.value = Builder::Value(o, i);
          break;
        case kFsync:
          op.code = OpCode::kFsync;
          break;
        case kClwb: {
          op.code = OpCode::kClwb;
          std::tie(op.offset, op.length) = Builder::PageRange(o, *m, true, b.Hot());
          a.ops.push_back(op);
          Op fence;
          fence.code = OpCode::kSfence;
          a.ops.push_back(fence);
          continue;
        }
        case kPoison:
          op.code = OpCode::kPoison;
          op.offset = Builder::AccessOffset(o, *m, 1, b.Hot()) & ~(kPageSize - 1);
          break;
        case kBadBlock:
          op.code = OpCode::kInjectBadBlock;
          Builder::FileAccess(o, file, &op, b.Hot());
          op.length = 0;
          break;
        case kTruncate:
          op.code = OpCode::kTruncate;
          op.offset = Builder::TruncateSize(o, file);
          break;
        default:
          op.code = kind == kPunch       ? OpCode::kPunchHole
                    : kind == kFallocate ? OpCode::kFallocate
                                         : OpCode::kZeroRange;
          Builder::FileRange(o, file, &op, b.Hot());
          break;
      }
      a.ops.push_back(op);
    }
    if (crash) {
      Op op;
      op.code = OpCode::kCrash;
      a.ops.push_back(op);
      crashed = true;
    }
    if (a.ops.empty()) {
      Op op;
      op.code = OpCode::kSfence;  // an actor needs an op; this one touches nothing shared
      a.ops.push_back(op);
    }
  }
  return w;
}

size_t CountOps(const Workload& w, OpCode code) {
  size_t n = 0;
  for (const Actor& a : w.actors) {
    for (const Op& op : a.ops) n += op.code == code;
  }
  return n;
}

GenOptions Clamped(GenOptions o) {
  o.min_actors = std::clamp<size_t>(o.min_actors, 1, kActorsMax);
  o.max_actors = std::clamp<size_t>(o.max_actors, o.min_actors, kActorsMax);
  o.max_files = std::clamp<size_t>(o.max_files, 1, kFilesMax);
  o.max_ops = std::clamp<size_t>(o.max_ops, 1, kSketchOpsMax);
  return o;
}

}  // namespace daxsim::props
