#include "tools/kernel/diff.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "sim/vm/mm.h"

namespace daxsim::kernel {
namespace {

using models::workload::OpCode;
using models::workload::Workload;

struct Mapping {
  std::string mm, name;
  uint64_t start = 0, length = 0;
};

// Every mapping the run made (mmap results with their addresses), in op order.
std::vector<Mapping> Mappings(const Workload& w, const WorkloadResult& r) {
  std::vector<Mapping> out;
  for (const OpResult& o : r.ops) {
    for (const auto& a : w.actors) {
      if (a.name != o.actor || o.op < 0 || static_cast<size_t>(o.op) >= a.ops.size()) continue;
      const auto& op = a.ops[static_cast<size_t>(o.op)];
      if (op.code == OpCode::kMmap && o.addr != 0) out.push_back({a.mm, op.map, o.addr, op.length});
    }
  }
  return out;
}

// The actor a trace line's task column names (the kernel cuts comm at 15 characters).
const models::workload::Actor* ActorOf(const Workload& w, absl::string_view comm) {
  for (const auto& a : w.actors) {
    if (a.name == comm || (comm.size() == 15 && absl::StartsWith(a.name, comm))) return &a;
  }
  return nullptr;
}

std::string Relative(uint64_t addr, const std::string& mm, const std::vector<Mapping>& maps,
                     bool end) {
  const uint64_t probe = end ? addr - 1 : addr;
  for (auto it = maps.rbegin(); it != maps.rend(); ++it) {
    if (it->mm == mm && probe >= it->start && probe < it->start + it->length) {
      return absl::StrCat(it->name, "+0x", absl::Hex(addr - it->start));
    }
  }
  return "?";
}

// A trace line's task column split into comm and pid ("<comm>-<pid>"); nullopt for a line that
// is not an event.
struct Task {
  absl::string_view comm, pid;
};
std::optional<Task> TaskOf(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  const size_t bracket = line.find(" [");
  if (bracket == absl::string_view::npos || line.find(": ") == absl::string_view::npos) {
    return std::nullopt;
  }
  absl::string_view task = absl::StripTrailingAsciiWhitespace(line.substr(0, bracket));
  const size_t dash = task.rfind('-');
  if (dash == absl::string_view::npos) return Task{task, ""};
  return Task{task.substr(0, dash), task.substr(dash + 1)};
}

// ftrace prints "<...>" for a pid whose comm fell out of its saved_cmdlines cache: the comm is
// the one another line of the same pid shows, or the only actor of a sequential workload.
using CommOfPid = std::map<std::string, std::string, std::less<>>;
CommOfPid KnownComms(const std::vector<std::string>& trace) {
  CommOfPid out;
  for (const std::string& line : trace) {
    if (std::optional<Task> t = TaskOf(line); t && t->comm != "<...>" && !t->pid.empty()) {
      out.emplace(std::string(t->pid), std::string(t->comm));
    }
  }
  return out;
}

// The event part of one trace line, masked; nullopt for a line that is not an event.
std::optional<std::string> MaskLine(const Workload& w, const std::vector<Mapping>& maps,
                                    const CommOfPid& comms, absl::string_view line) {
  // "<comm>-<pid> [<cpu>] <flags> <secs>: <event>: <fields>"
  line = absl::StripLeadingAsciiWhitespace(line);
  const std::optional<Task> task = TaskOf(line);
  if (!task) return std::nullopt;
  const size_t colon = line.find(": ");
  absl::string_view comm = task->comm;
  if (comm == "<...>") {
    if (auto it = comms.find(task->pid); it != comms.end()) {
      comm = it->second;
    } else if (w.actors.size() == 1) {
      comm = w.actors[0].name;
    }
  }
  const models::workload::Actor* actor = ActorOf(w, comm);
  const std::string mm = actor != nullptr ? actor->mm : "";
  std::vector<std::string> words = absl::StrSplit(line.substr(colon + 2), ' ', absl::SkipEmpty());
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& key = words[i];
    uint64_t v = 0;
    if (key == "dev" || key == "ino" || key == "pfn" || key == "radix_entry" ||
        key == "zero_page") {
      words[i + 1].assign(1, '*');  // (not = "*": a GCC 12 -Wrestrict false positive)
    } else if ((key == "address" || key == "vm_start" || key == "vm_end") &&
               absl::SimpleHexAtoi(words[i + 1], &v)) {
      words[i + 1] = Relative(v, mm, maps, key == "vm_end");
    }
  }
  std::string out(comm);
  if (actor != nullptr) out = actor->name;
  absl::StrAppend(&out, " ", absl::StrJoin(words, " "));
  return out;
}

std::string Describe(const Workload& w, const OpResult& o) {
  for (const auto& a : w.actors) {
    if (a.name == o.actor && o.op >= 0 && static_cast<size_t>(o.op) < a.ops.size()) {
      return absl::StrCat(
          o.actor, " op ", o.op, " (line ", a.ops[static_cast<size_t>(o.op)].line, ": ",
          std::string(models::workload::OpName(a.ops[static_cast<size_t>(o.op)].code)), ")");
    }
  }
  return absl::StrCat(o.actor, " op ", o.op);
}

std::string Shown(const OpResult& o) {
  return o.data.empty() ? o.what : absl::StrCat(o.what, " ", o.data);
}

void CompareOps(const Workload& w, const WorkloadResult& k, const WorkloadResult& m,
                DiffReport* d) {
  std::map<std::pair<std::string, int>, const OpResult*> model;
  for (const OpResult& o : m.ops) model[{o.actor, o.op}] = &o;
  for (const OpResult& o : k.ops) {
    auto it = model.find({o.actor, o.op});
    const std::string got = it == model.end() ? "(not run)" : Shown(*it->second);
    if (got != Shown(o)) d->ops.push_back({Describe(w, o), Shown(o), got});
  }
  std::map<std::string, uint64_t> sizes(m.sizes.begin(), m.sizes.end());
  for (const auto& [file, size] : k.sizes) {
    auto it = sizes.find(file);
    const std::string got = it == sizes.end() ? "(none)" : absl::StrCat(it->second);
    if (got != absl::StrCat(size)) d->ops.push_back({"size of " + file, absl::StrCat(size), got});
  }
}

}  // namespace

std::vector<std::string> MaskedEvents(const Workload& w, const WorkloadResult& r) {
  const std::vector<Mapping> maps = Mappings(w, r);
  const CommOfPid comms = KnownComms(r.trace);
  std::vector<std::string> out;
  for (const std::string& line : r.trace) {
    if (std::optional<std::string> e = MaskLine(w, maps, comms, line)) {
      out.push_back(*std::move(e));
    }
  }
  return out;
}

DiffReport Compare(const Workload& w, const WorkloadResult& kernel, const WorkloadResult& model) {
  DiffReport d;
  CompareOps(w, kernel, model, &d);
  const std::vector<std::string> k = MaskedEvents(w, kernel), m = MaskedEvents(w, model);
  d.kernel_events = k.size();
  d.model_events = m.size();
  for (size_t i = 0; i < std::max(k.size(), m.size()); ++i) {
    static const std::string kEnd = "(end)";
    const std::string& ki = i < k.size() ? k[i] : kEnd;
    const std::string& mi = i < m.size() ? m[i] : kEnd;
    if (ki != mi) {
      d.events.push_back({absl::StrCat("event ", i + 1), ki, mi});
      break;
    }
  }
  return d;
}

namespace {

// Whether every byte of run-length text "0x11*8,0x00*4088" is `value` (false for a cut text).
bool AllBytesAre(const std::string& data, uint8_t value) {
  if (data.empty() || absl::EndsWith(data, "!")) return false;
  for (absl::string_view run : absl::StrSplit(data, ',')) {
    uint32_t byte = 0;
    const absl::string_view head = run.substr(0, run.find('*'));
    if (!absl::SimpleHexAtoi(head, &byte) || byte != value) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> UnmetExpectations(const models::workload::Workload& w,
                                           const WorkloadResult& r) {
  std::vector<std::string> unmet;
  for (const OpResult& o : r.ops) {
    const models::workload::Actor* actor = nullptr;
    for (const auto& a : w.actors) {
      if (a.name == o.actor) actor = &a;
    }
    if (actor == nullptr || o.op < 0 || static_cast<size_t>(o.op) >= actor->ops.size()) continue;
    if (o.what == "notrun") continue;
    const models::workload::Op& op = actor->ops[static_cast<size_t>(o.op)];
    const std::string where = absl::StrCat(o.actor, " op ", o.op, " (line ", op.line, "): ");
    if (!op.result.empty() && !models::workload::ResultMatches(op.result, o.what)) {
      unmet.push_back(absl::StrCat(where, "got ", o.what, ", expected ", op.result));
    } else if (op.expect && !(o.data.empty() && models::workload::ResultMatches("ok", o.what)) &&
               !AllBytesAre(o.data, static_cast<uint8_t>(op.value))) {
      // (a read that returned 0 bytes has nothing to judge, as in the model)
      unmet.push_back(absl::StrCat(where, "got ", o.what, o.data.empty() ? "" : " ", o.data,
                                   ", expected every byte 0x",
                                   absl::Hex(op.value, absl::kZeroPad2)));
    }
  }
  return unmet;
}

namespace {

using models::workload::FileSetup;

// File page -> device page, from the layouts in order (first shown wins).
using PageMap = std::map<uint64_t, uint64_t>;

void AddExtents(const std::vector<Extent>& extents, PageMap* pages) {
  constexpr uint64_t kPage = models::workload::kPageSize;
  for (const Extent& e : extents) {
    if (e.logical % kPage != 0 || e.physical % kPage != 0) continue;
    for (uint64_t off = 0; off < e.length; off += kPage) {
      const uint64_t file = e.logical + off, dev = e.physical + off;
      if (file >= models::workload::kFileSizeMax || dev >= models::workload::kPhysMax) break;
      pages->emplace(file / kPage, dev / kPage);
    }
  }
}

// Runs of pages contiguous in the file and on the device, within [first, end).
std::vector<FileSetup::Place> Runs(const PageMap& pages, uint64_t first, uint64_t end) {
  constexpr uint64_t kPage = models::workload::kPageSize;
  std::vector<FileSetup::Place> out;
  for (auto it = pages.lower_bound(first); it != pages.end() && it->first < end; ++it) {
    if (!out.empty() && out.back().offset / kPage + out.back().length / kPage == it->first &&
        out.back().phys / kPage + out.back().length / kPage == it->second) {
      out.back().length += kPage;
    } else {
      out.push_back({it->first * kPage, kPage, it->second * kPage});
    }
  }
  return out;
}

// A setup extent split where the kernel's pages are not contiguous, each piece pinned (pieces
// the kernel does not show stay unpinned).
std::vector<FileSetup::Extent> PinExtent(const FileSetup::Extent& e, const PageMap& pages) {
  constexpr uint64_t kPage = models::workload::kPageSize;
  std::vector<FileSetup::Extent> out;
  uint64_t at = e.offset;
  for (const FileSetup::Place& r : Runs(pages, e.offset / kPage, (e.offset + e.length) / kPage)) {
    if (r.offset > at) out.push_back({at, r.offset - at, e.kind, e.fill, std::nullopt});
    out.push_back({r.offset, r.length, e.kind, e.fill, r.phys});
    at = r.offset + r.length;
  }
  if (at < e.offset + e.length)
    out.push_back({at, e.offset + e.length - at, e.kind, e.fill, e.phys});
  return out;
}

}  // namespace

models::workload::Workload PinLayout(const models::workload::Workload& w,
                                     const WorkloadResult& kernel) {
  models::workload::Workload out = w;
  for (FileSetup& f : out.files) {
    PageMap setup, later;
    for (const Layout& l : kernel.layouts) {
      if (l.file != f.name) continue;
      AddExtents(l.extents, l.op < 0 ? &setup : &later);
    }
    std::vector<FileSetup::Extent> extents;
    for (const FileSetup::Extent& e : f.extents) {
      for (FileSetup::Extent& piece : PinExtent(e, setup)) extents.push_back(piece);
    }
    f.extents = std::move(extents);
    for (const auto& [page, dev] : setup) later.erase(page);  // the setup extents' own pages
    f.places = Runs(later, 0, UINT64_MAX);
  }
  return out;
}

models::workload::Workload PinAddresses(const models::workload::Workload& w) {
  using models::workload::kFixedAddrEnd;
  using models::workload::kFixedAddrMin;
  using models::workload::OpCode;
  models::workload::Workload out = w;
  // Per mm: the fixed ranges so far (the workload's own addr= first), and the next free slot.
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> taken;
  for (const models::workload::Actor& a : out.actors) {
    for (const models::workload::Op& op : a.ops) {
      if (op.code == OpCode::kMmap && op.addr != 0) {
        taken[a.mm].emplace_back(op.addr, op.addr + op.length);
      }
    }
  }
  std::map<std::string, uint64_t> next;
  for (models::workload::Actor& a : out.actors) {
    uint64_t& slot = next.emplace(a.mm, kFixedAddrMin).first->second;
    for (models::workload::Op& op : a.ops) {
      if (op.code != OpCode::kMmap || op.addr != 0) continue;
      const uint64_t colour = vm::ThpColour(op.offset >> vm::PAGE_SHIFT, op.length);
      const uint64_t at = vm::PickMappingAddress(slot, colour, op.length, taken[a.mm]);
      if (at + op.length > kFixedAddrEnd) return w;  // does not fit: leave it
      op.addr = at;
      taken[a.mm].emplace_back(op.addr, op.addr + op.length);
      slot = ((op.addr + op.length + vm::PMD_SIZE - 1) & vm::PMD_MASK) + vm::PMD_SIZE;
    }
  }
  return out;
}

}  // namespace daxsim::kernel
