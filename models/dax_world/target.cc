#include "models/dax_world/target.h"

#include <map>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "models/bugs/catalog.h"
#include "models/dax_world/world.h"
#include "models/workload/library.h"
#include "sim/fs/personality.h"

namespace daxsim::models {

namespace {

struct Param {
  std::string name;
  int default_value, min, max;
  std::string what;
};

// The model parameters; then one "bug_NAME" switch per catalog bug (models/bugs).
const std::vector<Param>& ModelParams() {
  static const auto* const p = [] {
    auto* v = new std::vector<Param>{
        {"align", 1, 0, 1, "2 MiB-aligned allocation of 2 MiB requests (mkfs -d su=2m)"},
        {"eadr", 0, 0, 1, "platform with eADR (CPU caches in the persistence domain)"},
        {"wait_bits", 12, 1, 12, "DAX wait table bits (fewer = more bucket collisions)"},
        {"api", 0, 0, 2, "DAX front end: iomap, get_block or populate_pfns"},
        {"locked_entries", 0, 0, 2,
         "locked entries met by writeback and the busy-page scan: 0 = 6.1 (both skip them), "
         "1 = v6.15 (the busy-page scan waits), 2 = both wait (a proposed fix)"},
        {"alloc_failures", 0, 0, 3,
         "allocations each actor may see fail, explored as choices (XArray nodes in "
         "grab_mapping_entry, page tables, copy-on-write pages; as fail-nth injects them)"},
    };
    for (const BugInfo& b : Bugs()) v->push_back({"bug_" + b.name, 0, 0, 1, b.fix});
    return v;
  }();
  return *p;
}

absl::StatusOr<std::map<std::string, int>> ParseParams(const std::string& text) {
  std::map<std::string, int> v;
  for (const Param& p : ModelParams()) v[p.name] = p.default_value;
  if (text.empty()) return v;
  for (absl::string_view kv : absl::StrSplit(text, ',')) {
    std::vector<std::string> parts = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    const Param* spec = nullptr;
    for (const Param& p : ModelParams()) {
      if (parts[0] == p.name) spec = &p;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError("unknown model parameter '" + parts[0] +
                                        "' (align, eadr, wait_bits, api, locked_entries, "
                                        "alloc_failures, bug_NAME: daxsim list bugs)");
    }
    int x = 0;
    fs::DaxApi api;
    if (parts[0] == "api" && parts.size() == 2 && fs::ParseApi(parts[1], &api)) {
      v["api"] = static_cast<int>(api);
      continue;
    }
    if (parts[0] == "api") {
      return absl::InvalidArgumentError(
          "model parameter api needs iomap, get_block or populate_pfns");
    }
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &x) || x < spec->min || x > spec->max) {
      return absl::InvalidArgumentError("model parameter " + parts[0] + " needs an integer in [" +
                                        std::to_string(spec->min) + ", " +
                                        std::to_string(spec->max) + "]");
    }
    v[parts[0]] = x;
  }
  return v;
}

std::string Canonical(const std::map<std::string, int>& v) {
  std::vector<std::string> out;
  for (const auto& [k, x] : v) {
    if (k.rfind("bug_", 0) == 0 && x == 0) continue;  // only switched-on bugs travel
    if (k == "locked_entries" && x == 0) continue;    // and a later kernel's behaviour
    if (k == "alloc_failures" && x == 0) continue;    // and fault injection
    out.push_back(
        k + "=" +
        (k == "api" ? std::string(fs::ApiName(static_cast<fs::DaxApi>(x))) : std::to_string(x)));
  }
  return absl::StrJoin(out, ",");
}

// xipfs has no block device: its default (and only) front end is populate_pfns.
std::string DefaultApi(const std::string& model, const std::string& params) {
  if (model != "xipfs" || params.find("api=") != std::string::npos) return params;
  return params.empty() ? "api=populate_pfns" : params + ",api=populate_pfns";
}

absl::Status CheckModel(const std::string& model, const std::map<std::string, int>& v) {
  fs::FsKind kind;
  if (!fs::ParseFsKind(model, &kind)) return absl::OkStatus();
  const auto api = static_cast<fs::DaxApi>(v.at("api"));
  if (!fs::ApiSupported(kind, api)) {
    return absl::InvalidArgumentError(model +
                                      " has no block device: DAX reaches it only through "
                                      "api=populate_pfns, not api=" +
                                      fs::ApiName(api));
  }
  return absl::OkStatus();
}

// mmap(MAP_SYNC) fails with EOPNOTSUPP where the filesystem (or the get_block era) has no
// MAP_SYNC; a workload that relies on it is rejected up front rather than run half.
absl::Status CheckWorkload(const std::string& model, const std::map<std::string, int>& v,
                           const workload::Workload& w) {
  fs::FsKind kind;
  if (!fs::ParseFsKind(model, &kind)) return absl::OkStatus();
  const auto api = static_cast<fs::DaxApi>(v.at("api"));
  if (fs::Traits(kind).map_sync && api != fs::DaxApi::kGetBlock) return absl::OkStatus();
  for (const auto& actor : w.actors) {
    for (const auto& op : actor.ops) {
      if (op.code == workload::OpCode::kMmap && op.sync) {
        return absl::InvalidArgumentError("workload " + w.name + " maps with MAP_SYNC, which " +
                                          model + " with api=" + fs::ApiName(api) +
                                          " does not support (mmap fails with EOPNOTSUPP)");
      }
    }
  }
  return absl::OkStatus();
}

sim::Target Build(const std::string& model, const std::string& label,
                  std::shared_ptr<const workload::Workload> w, const std::map<std::string, int>& v,
                  bool inline_text) {
  DaxModelConfig config;
  config.model = model;
  fs::ParseFsKind(model, &config.fs.kind);
  config.fs.api = static_cast<fs::DaxApi>(v.at("api"));
  for (const BugInfo& b : Bugs()) config.bugs.Set(b.bug, v.at("bug_" + b.name) != 0);
  config.fs.bugs = config.bugs;
  config.fs.pmd_align = v.at("align") != 0;
  config.platform = v.at("eadr") ? nvdimm::Platform::kEadr : nvdimm::Platform::kAdr;
  config.wait_table_bits = v.at("wait_bits");
  config.locked_entries = static_cast<dax::LockedEntries>(v.at("locked_entries"));
  config.alloc_failures = v.at("alloc_failures");
  sim::Target t;
  t.name = model + "/" + label;
  t.params = Canonical(v);
  if (inline_text) t.params += "\n" + workload::FormatWorkload(*w);
  t.build = [config, w](sim::Sim& sim) -> std::unique_ptr<sim::World> {
    return BuildDaxWorld(sim, config, *w);
  };
  return t;
}

}  // namespace

const std::vector<ModelInfo>& DaxModels() {
  static const auto* const m = new std::vector<ModelInfo>{
      {"xfs",
       "xfs-like fs (6.1): MMAPLOCK, ILOCK, zeroed allocation, unwritten conversion, layout "
       "breaking, a log (CIL + log force), MAP_SYNC, PMD faults; api=iomap|get_block|populate_pfns",
       "align=1,api=iomap,eadr=0,wait_bits=12"},
      {"ext4",
       "ext4-like fs (6.1): invalidate lock, i_data_sem, jbd2 handles in write faults and "
       "write(2)'s allocations, ENOSPC retried after a commit, its own fallocate, unwritten "
       "extents (CREATE_ZERO), layout breaking, MAP_SYNC, PMD faults; api=...",
       "align=1,api=iomap,eadr=0,wait_bits=12"},
      {"ext2",
       "ext2-like fs (6.1): invalidate lock, truncate_mutex, no journal (fsync writes the inode's "
       "metadata), no fallocate, no MAP_SYNC, PTE faults only, no layout breaking; api=...",
       "align=1,api=iomap,eadr=0,wait_bits=12"},
      {"xipfs",
       "non-block XIP fs (AXFS/PMFS-style): pages of an NVDIMM region it owns, synchronous "
       "metadata, punch hole, MAP_SYNC, PMD faults; DAX only through api=populate_pfns",
       "align=1,api=populate_pfns,eadr=0,wait_bits=12"},
  };
  return *m;
}

bool IsDaxTarget(const std::string& target) { return target.find('/') != std::string::npos; }

namespace {

// A registered model and its parameters, parsed (with the model's default front end) and checked.
absl::StatusOr<std::map<std::string, int>> ModelParamsFor(const std::string& model,
                                                          const std::string& params) {
  bool known = false;
  for (const ModelInfo& m : DaxModels()) known |= m.name == model;
  if (!known)
    return absl::InvalidArgumentError("unknown model '" + model + "' (daxsim list models)");
  absl::StatusOr<std::map<std::string, int>> v = ParseParams(DefaultApi(model, params));
  if (!v.ok()) return v.status();
  if (absl::Status s = CheckModel(model, *v); !s.ok()) return s;
  return v;
}

// The workload's own `params` line first; the caller's parameters override it.
std::string WithWorkloadParams(const workload::Workload& w, const std::string& params) {
  if (w.params.empty()) return params;
  return params.empty() ? w.params : w.params + "," + params;
}

}  // namespace

absl::StatusOr<sim::Target> MakeDaxTarget(const std::string& model, const std::string& workload,
                                          const std::string& params) {
  absl::StatusOr<workload::Workload> w = workload::FindWorkload(workload);
  if (w.ok()) {
    absl::StatusOr<std::map<std::string, int>> v =
        ModelParamsFor(model, WithWorkloadParams(*w, params));
    if (!v.ok()) return v.status();
    if (absl::Status s = CheckWorkload(model, *v, *w); !s.ok()) return s;
    return Build(model, workload, std::make_shared<const workload::Workload>(*std::move(w)), *v,
                 false);
  }
  if (absl::StatusOr<std::map<std::string, int>> v = ModelParamsFor(model, params); !v.ok()) {
    return v.status();
  }
  if (workload.find('/') == std::string::npos && workload.find('.') == std::string::npos) {
    return absl::InvalidArgumentError("unknown workload '" + workload +
                                      "' (daxsim list workloads, or a path to a workload file)");
  }
  absl::StatusOr<workload::Workload> f = workload::LoadWorkloadFile(workload);
  if (!f.ok()) return f.status();
  return MakeDaxTargetFromWorkload(model, *f, params);
}

absl::StatusOr<sim::Target> MakeDaxTargetFromWorkload(const std::string& model,
                                                      const workload::Workload& w,
                                                      const std::string& params) {
  absl::StatusOr<std::map<std::string, int>> v =
      ModelParamsFor(model, WithWorkloadParams(w, params));
  if (!v.ok()) return v.status();
  if (absl::Status s = CheckWorkload(model, *v, w); !s.ok()) return s;
  return Build(model, "@" + w.name, std::make_shared<const workload::Workload>(w), *v, true);
}

absl::StatusOr<sim::Target> DaxTargetFromToken(const std::string& target,
                                               const std::string& params) {
  const size_t slash = target.find('/');
  const std::string model = target.substr(0, slash);
  const std::string name = target.substr(slash + 1);
  const size_t nl = params.find('\n');
  const std::string model_params = params.substr(0, nl);
  if (name.rfind('@', 0) != 0) return MakeDaxTarget(model, name, model_params);
  if (nl == std::string::npos) return absl::InvalidArgumentError("token lacks its inline workload");
  absl::StatusOr<workload::Workload> w = workload::ParseWorkload(params.substr(nl + 1), "token");
  if (!w.ok()) return w.status();
  absl::StatusOr<std::map<std::string, int>> v =
      ParseParams(DefaultApi(model, WithWorkloadParams(*w, model_params)));
  if (!v.ok()) return v.status();
  if (absl::Status s = CheckModel(model, *v); !s.ok()) return s;
  if (absl::Status s = CheckWorkload(model, *v, *w); !s.ok()) return s;
  return Build(model, name, std::make_shared<const workload::Workload>(*std::move(w)), *v, true);
}

}  // namespace daxsim::models
