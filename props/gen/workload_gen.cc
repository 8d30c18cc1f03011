#include "props/gen/workload_gen.h"

#include <algorithm>
#include <utility>

namespace daxsim::props {

using models::workload::FileSetup;
using models::workload::Workload;

namespace {

// A choice in [0, kChoices), the same whatever RapidCheck's size.
rc::Gen<int> GenChoice() {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange(0, kChoices));
}

// A vector of lo..hi elements (uniform count), shrinking by removing any of them.
template <typename T>
rc::Gen<std::vector<T>> VectorOf(size_t lo, size_t hi, rc::Gen<T> element) {
  return rc::gen::suchThat(
      rc::gen::resize(static_cast<int>(hi), rc::gen::container<std::vector<T>>(rc::gen::resize(
                                                rc::kNominalSize, std::move(element)))),
      [lo](const std::vector<T>& v) { return v.size() >= lo; });
}

}  // namespace

rc::Gen<FileSketch> GenFileSketch() {
  return rc::gen::build<FileSketch>(rc::gen::set(&FileSketch::size, GenChoice()),
                                    rc::gen::set(&FileSketch::pages, GenChoice()),
                                    rc::gen::set(&FileSketch::extent, GenChoice()),
                                    rc::gen::set(&FileSketch::extent_start, GenChoice()),
                                    rc::gen::set(&FileSketch::extent_len, GenChoice()),
                                    rc::gen::set(&FileSketch::fill, GenChoice()));
}

rc::Gen<OpSketch> GenOpSketch() {
  return rc::gen::build<OpSketch>(
      rc::gen::set(&OpSketch::kind, GenChoice()), rc::gen::set(&OpSketch::target, GenChoice()),
      rc::gen::set(&OpSketch::offset, GenChoice()), rc::gen::set(&OpSketch::length, GenChoice()),
      rc::gen::set(&OpSketch::value, GenChoice()), rc::gen::set(&OpSketch::extra, GenChoice()));
}

rc::Gen<ActorSketch> GenActorSketch(const GenOptions& options) {
  const GenOptions o = Clamped(options);
  return rc::gen::build<ActorSketch>(
      rc::gen::set(&ActorSketch::mm, GenChoice()), rc::gen::set(&ActorSketch::setup, GenChoice()),
      rc::gen::set(&ActorSketch::setup_mmap, GenOpSketch()),
      rc::gen::set(&ActorSketch::ops, VectorOf(1, o.max_ops, GenOpSketch())));
}

rc::Gen<WorkloadSketch> GenWorkloadSketch(const GenOptions& options) {
  const GenOptions o = Clamped(options);
  return rc::gen::build<WorkloadSketch>(
      rc::gen::set(&WorkloadSketch::swarm, GenChoice()),
      rc::gen::set(&WorkloadSketch::files, VectorOf(1, o.max_files, GenFileSketch())),
      rc::gen::set(&WorkloadSketch::actors,
                   VectorOf(o.min_actors, o.max_actors, GenActorSketch(o))));
}

rc::Gen<Workload> GenWorkload(const GenOptions& options) {
  const GenOptions o = Clamped(options);
  return rc::gen::map(GenWorkloadSketch(o), [o](const WorkloadSketch& s) { return Realize(s, o); });
}

rc::Gen<FileSetup> GenFileSetup(const std::string& name, const GenOptions& options) {
  return rc::gen::map(GenFileSketch(), [name, options](const FileSketch& s) {
    return RealizeFile(s, name, options);
  });
}

}  // namespace daxsim::props

namespace daxsim::models::workload {

void showValue(const Workload& w, std::ostream& os) { os << "\n" << FormatWorkload(w); }

}  // namespace daxsim::models::workload
