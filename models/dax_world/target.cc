#include "models/dax_world/target.h"

#include <map>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "models/dax_world/world.h"
#include "models/workload/library.h"

namespace daxsim::models {

namespace {

struct Param {
  const char* name;
  int default_value, min, max;
  const char* what;
};

const std::vector<Param>& ModelParams() {
  static const auto* const p = new std::vector<Param>{
      {"align", 1, 0, 1, "2 MiB-aligned allocation of 2 MiB requests (mkfs -d su=2m)"},
      {"eadr", 0, 0, 1, "platform with eADR (CPU caches in the persistence domain)"},
      {"wait_bits", 12, 1, 12, "DAX wait table bits (fewer = more bucket collisions)"},
      {"bug_nozero", 0, 0, 1, "bug switch: new blocks are not zeroed (unzeroed-block class)"},
  };
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
                                        "' (align, eadr, wait_bits, bug_nozero)");
    }
    int x = 0;
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
  for (const auto& [k, x] : v) out.push_back(k + "=" + std::to_string(x));
  return absl::StrJoin(out, ",");
}

sim::Target Build(const std::string& model, const std::string& label,
                  std::shared_ptr<const workload::Workload> w, const std::map<std::string, int>& v,
                  bool inline_text) {
  DaxModelConfig config;
  config.model = model;
  config.fs.pmd_align = v.at("align") != 0;
  config.platform = v.at("eadr") ? nvdimm::Platform::kEadr : nvdimm::Platform::kAdr;
  config.wait_table_bits = v.at("wait_bits");
  config.fs.bug_skip_zeroing = v.at("bug_nozero") != 0;
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
       "xfs-like fs on iomap (XArray-era fs/dax.c, v5.15): MMAPLOCK, zeroed allocation, "
       "unwritten conversion, layout breaking, metadata log; params align, eadr, wait_bits",
       "align=1,eadr=0,wait_bits=12"},
  };
  return *m;
}

bool IsDaxTarget(const std::string& target) { return target.find('/') != std::string::npos; }

absl::StatusOr<sim::Target> MakeDaxTarget(const std::string& model, const std::string& workload,
                                          const std::string& params) {
  bool known = false;
  for (const ModelInfo& m : DaxModels()) known |= m.name == model;
  if (!known)
    return absl::InvalidArgumentError("unknown model '" + model + "' (daxsim list models)");
  absl::StatusOr<std::map<std::string, int>> v = ParseParams(params);
  if (!v.ok()) return v.status();
  absl::StatusOr<workload::Workload> w = workload::FindWorkload(workload);
  if (w.ok()) {
    return Build(model, workload, std::make_shared<const workload::Workload>(*std::move(w)), *v,
                 false);
  }
  if (workload.find('/') == std::string::npos && workload.find('.') == std::string::npos) {
    return absl::InvalidArgumentError("unknown workload '" + workload +
                                      "' (daxsim list workloads, or a path to a workload file)");
  }
  absl::StatusOr<workload::Workload> f = workload::LoadWorkloadFile(workload);
  if (!f.ok()) return f.status();
  const std::string label = "@" + f->name;  // the text travels in the token
  return Build(model, label, std::make_shared<const workload::Workload>(*std::move(f)), *v, true);
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
  absl::StatusOr<std::map<std::string, int>> v = ParseParams(model_params);
  if (!v.ok()) return v.status();
  return Build(model, name, std::make_shared<const workload::Workload>(*std::move(w)), *v, true);
}

}  // namespace daxsim::models
