// Properties of the DAX world on generated workloads (props/gen/workload_gen.h): generated
// workloads are valid (their text round-trips), and every one explores clean with bounded DPOR
// (up to 1 preemption, 300 executions) on xfs, ext4 and xfs with the populate_pfns front end. A
// failure reports the violation, its replay token and the workload's text; RapidCheck then
// shrinks the workload while the explorer shrinks the schedule, so the last report is one
// minimal workload and one token. The pipeline is shown able to fail: with the bug switch
// bug_unzeroed_new_blocks=1 a store to a hole is caught, and RapidCheck shrinks it to a small
// workload. Seeds are fixed (RC_PARAMS in BUILD, rc::Random keys here): every run explores the same
// workloads.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "models/dax_world/configs.h"
#include "models/dax_world/target.h"
#include "models/workload/workload.h"
#include "props/gen/mutate.h"
#include "props/gen/workload_gen.h"
#include "sim/explore/explorer.h"

namespace daxsim::props {
namespace {

using models::workload::Actor;
using models::workload::FileSetup;
using models::workload::FormatWorkload;
using models::workload::kPageSize;
using models::workload::Op;
using models::workload::OpCode;
using models::workload::ParseWorkload;
using models::workload::Workload;

// Bounded DPOR, as `daxsim check` runs a DAX world that DPOR cannot finish.
sim::ExploreOptions BoundedDpor() {
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = 1;
  o.budget_executions = 300;
  o.shrink_executions_max = 2000;
  return o;
}

std::string Describe(const std::string& model, const std::string& params, const Workload& w,
                     const sim::Found& f) {
  return absl::StrCat("violation on ", model, params.empty() ? "" : " --params=" + params, ": ",
                      f.violation.message, "\n  token: ", f.token, "\n  (", f.preemptions,
                      " preemptions, ", f.context_switches, " context switches, ", f.steps,
                      " steps)\nworkload:\n", FormatWorkload(w));
}

// Explores one workload; the first (shrunk) violation, if any. nullopt also when the model
// cannot run the workload (`*error` says why).
std::optional<sim::Found> Explore(const std::string& model, const std::string& params,
                                  const Workload& w, std::string* error,
                                  sim::ExploreResult* result = nullptr) {
  absl::StatusOr<sim::Target> t = models::MakeDaxTargetFromWorkload(model, w, params);
  if (!t.ok()) {
    *error = std::string(t.status().message());
    return std::nullopt;
  }
  sim::ExploreResult r = sim::Explore(*t, BoundedDpor());
  if (result != nullptr) *result = r;
  return r.first;
}

// The property: a generated workload explores clean on `model` with `params`.
void CheckClean(const std::string& model, const std::string& params) {
  GenOptions g;
  g.max_actors = 3;  // the whole language, fewer actors: 300 cases a model stay under a minute
  const Workload w = *GenWorkload(g);
  std::string error;
  sim::ExploreResult r;
  const std::optional<sim::Found> found = Explore(model, params, w, &error, &r);
  if (!error.empty()) RC_DISCARD(error);
  RC_CLASSIFY(r.complete, "complete up to 1 preemption");
  RC_CLASSIFY(CountOps(w, OpCode::kCrash) > 0, "crash");
  RC_CLASSIFY(CountOps(w, OpCode::kTruncate) + CountOps(w, OpCode::kPunchHole) > 0,
              "truncate or punch");
  if (found.has_value()) {
    if (models::IsKnownFinding(model, found->violation.message)) {
      RC_CLASSIFY(true, "known finding");
      return;
    }
    RC_FAIL(Describe(model, params, w, *found));
  }
}

// Whether some store lands on a page that is a hole at setup, inside i_size: with
// bug_unzeroed_new_blocks=1 its write fault maps a block that was never zeroed.
bool StoresToHole(const Workload& w) {
  std::map<std::string, const FileSetup*> files;
  for (const FileSetup& f : w.files) files[f.name] = &f;
  std::map<std::string, uint64_t> map_offset;  // mapping names are unique in generated workloads
  for (const Actor& a : w.actors) {
    for (const Op& op : a.ops) {
      if (op.code == OpCode::kMmap) map_offset[op.map] = op.offset;
    }
  }
  for (const Actor& a : w.actors) {
    for (const Op& op : a.ops) {
      if (op.code != OpCode::kStore) continue;
      const FileSetup& f = *files.at(op.file);
      const uint64_t at = map_offset.at(op.map) + op.offset;
      if (at >= f.size) continue;
      bool hole = true;
      for (const FileSetup::Extent& e : f.extents) {
        hole &= at / kPageSize * kPageSize < e.offset || at >= e.offset + e.length;
      }
      if (hole) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Validity.

RC_GTEST_PROP(DaxGenerated, GeneratedWorkloadsRoundTrip, ()) {
  const Workload w = *GenWorkload();
  const std::string text = FormatWorkload(w);
  const absl::StatusOr<Workload> parsed = ParseWorkload(text, "generated");
  if (!parsed.ok()) RC_FAIL(absl::StrCat(parsed.status().message(), "\n", text));
  RC_ASSERT(*parsed == w);
  RC_ASSERT(FormatWorkload(*parsed) == text);
}

// The shape the generator promises, on many samples (cheap, so more than RC_PARAMS allows),
// and validity of the realization of arbitrary sketches (any ints, any counts, other options).
// Every pin is directly followed by the unpin of its range, in drawn workloads, in mutants and
// in shrink candidates: an actor never holds a pin across its other operations (the fuzzer
// once shrank a workload to a pin without its unpin, and truncate waited on it forever).
bool PinsPaired(const Workload& w) {
  for (const Actor& a : w.actors) {
    for (size_t i = 0; i < a.ops.size(); ++i) {
      const Op& op = a.ops[i];
      if (op.code == OpCode::kUnpin && (i == 0 || a.ops[i - 1].code != OpCode::kPin)) return false;
      if (op.code != OpCode::kPin) continue;
      if (i + 1 == a.ops.size()) return false;
      const Op& u = a.ops[i + 1];
      if (u.code != OpCode::kUnpin || u.map != op.map || u.offset != op.offset ||
          u.length != op.length) {
        return false;
      }
    }
  }
  return true;
}

TEST(DaxGenerated, MutantsAndShrinksKeepEachPinWithItsUnpin) {
  GenOptions g;
  g.max_ops = 6;
  int pins = 0, mutants = 0, shrinks = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    sim::Rng rng(sim::MixSeed(0x9a1, i));
    Workload w = DrawWorkload(rng, g);
    ASSERT_TRUE(PinsPaired(w)) << FormatWorkload(w);
    for (int k = 0; k < 6; ++k) {
      if (std::optional<Workload> m = Mutate(w, rng, g)) {
        ASSERT_TRUE(PinsPaired(*m)) << FormatWorkload(w) << "mutated to\n" << FormatWorkload(*m);
        w = *std::move(m);
        ++mutants;
      }
    }
    pins += static_cast<int>(CountOps(w, OpCode::kPin));
    for (const Workload& c : ShrinkCandidates(w)) {
      ASSERT_TRUE(PinsPaired(c)) << FormatWorkload(w) << "shrunk to\n" << FormatWorkload(c);
      ++shrinks;
    }
  }
  EXPECT_GT(pins, 50);  // the property was exercised
  EXPECT_GT(mutants, 1000);
  EXPECT_GT(shrinks, 1000);
}

TEST(DaxGenerated, ManyGeneratedWorkloadsAreValidAndSmall) {
  const GenOptions defaults;
  const rc::Gen<Workload> gen = GenWorkload(defaults);
  std::map<OpCode, int> seen;
  int shared_mm = 0, crashes = 0;
  for (uint64_t i = 0; i < 2000; ++i) {
    const Workload w = gen(rc::Random(1000 + i)).value();
    const std::string text = FormatWorkload(w);
    const absl::StatusOr<Workload> parsed = ParseWorkload(text, "generated");
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
    ASSERT_EQ(*parsed, w) << text;
    ASSERT_GE(w.files.size(), 1);
    ASSERT_LE(w.files.size(), 2);
    ASSERT_GE(w.actors.size(), 1);
    ASSERT_LE(w.actors.size(), 5);
    std::set<std::string> mms;
    for (const Actor& a : w.actors) mms.insert(a.mm);
    ASSERT_LE(mms.size(), 3u) << text;
    ASSERT_LE(CountOps(w, OpCode::kCrash), 1) << text;
    std::map<std::string, bool> shared;  // mapping -> MAP_SHARED (names are unique)
    for (const Actor& a : w.actors) {
      for (const Op& op : a.ops) {
        if (op.code == OpCode::kMmap) shared[op.map] = op.shared;
      }
    }
    for (const Actor& a : w.actors) {
      shared_mm += a.mm != a.name;
      // 1..4 ops, besides setup mmaps and unpins (which pair with pins).
      const size_t setup = models::workload::SetupOpCount(a);
      size_t counted = 0;
      for (size_t j = 0; j < a.ops.size(); ++j) {
        const OpCode c = a.ops[j].code;
        seen[c]++;
        // An unpin pairs with its pin, an sfence with its clwb.
        counted += j >= setup && c != OpCode::kUnpin && c != OpCode::kSfence;
        if (c == OpCode::kPin) {
          ASSERT_TRUE(shared.at(a.ops[j].map)) << "pin of a private mapping\n" << text;
          ASSERT_LT(j + 1, a.ops.size()) << text;
          ASSERT_EQ(a.ops[j + 1].code, OpCode::kUnpin) << "a pin's unpin follows it\n" << text;
        }
        if (c == OpCode::kCrash) {
          ASSERT_EQ(j + 1, a.ops.size()) << "crash must be an actor's last op\n" << text;
          crashes++;
        }
      }
      ASSERT_LE(counted, 4) << text;
    }
  }
  // Every op kind the generator promises shows up.
  for (OpCode c : {OpCode::kMmap,      OpCode::kLoad,
                   OpCode::kStore,     OpCode::kTruncate,
                   OpCode::kPunchHole, OpCode::kFallocate,
                   OpCode::kZeroRange, OpCode::kFsync,
                   OpCode::kMsync,     OpCode::kWrite,
                   OpCode::kRead,      OpCode::kPin,
                   OpCode::kUnpin,     OpCode::kMadviseDontneed,
                   OpCode::kCrash,     OpCode::kMunmap,
                   OpCode::kClwb,      OpCode::kSfence,
                   OpCode::kPoison,    OpCode::kInjectBadBlock,
                   OpCode::kScrub,     OpCode::kUnbind}) {
    EXPECT_GT(seen[c], 0) << models::workload::OpName(c);
  }
  EXPECT_GT(shared_mm, 100);
  EXPECT_GT(crashes, 10);
  EXPECT_LT(crashes, 400);  // rare

  // Arbitrary sketches, including ints out of [0, kChoices) and more files, actors and ops than
  // the generators draw, under every option setting.
  const rc::Gen<OpSketch> any_op =
      rc::gen::build<OpSketch>(rc::gen::set(&OpSketch::kind, rc::gen::arbitrary<int>()),
                               rc::gen::set(&OpSketch::target, rc::gen::arbitrary<int>()),
                               rc::gen::set(&OpSketch::offset, rc::gen::arbitrary<int>()),
                               rc::gen::set(&OpSketch::length, rc::gen::arbitrary<int>()),
                               rc::gen::set(&OpSketch::value, rc::gen::arbitrary<int>()),
                               rc::gen::set(&OpSketch::extra, rc::gen::arbitrary<int>()));
  const rc::Gen<WorkloadSketch> any_sketch = rc::gen::build<WorkloadSketch>(
      rc::gen::set(&WorkloadSketch::files,
                   rc::gen::container<std::vector<FileSketch>>(rc::gen::build<FileSketch>(
                       rc::gen::set(&FileSketch::size, rc::gen::arbitrary<int>()),
                       rc::gen::set(&FileSketch::pages, rc::gen::arbitrary<int>()),
                       rc::gen::set(&FileSketch::extent, rc::gen::arbitrary<int>()),
                       rc::gen::set(&FileSketch::extent_start, rc::gen::arbitrary<int>()),
                       rc::gen::set(&FileSketch::extent_len, rc::gen::arbitrary<int>())))),
      rc::gen::set(&WorkloadSketch::actors,
                   rc::gen::container<std::vector<ActorSketch>>(rc::gen::build<ActorSketch>(
                       rc::gen::set(&ActorSketch::mm, rc::gen::arbitrary<int>()),
                       rc::gen::set(&ActorSketch::setup, rc::gen::arbitrary<int>()),
                       rc::gen::set(&ActorSketch::setup_mmap, any_op),
                       rc::gen::set(&ActorSketch::ops,
                                    rc::gen::container<std::vector<OpSketch>>(any_op))))));
  for (uint64_t i = 0; i < 300; ++i) {
    GenOptions o;
    o.allow_crash = i % 2 == 0;
    o.allow_sync = i % 3 == 0;
    o.allow_private = i % 5 != 0;
    const WorkloadSketch sketch =
        any_sketch(rc::Random(5000 + i), static_cast<int>(i % 101)).value();
    const Workload w = Realize(sketch, o);
    const std::string text = FormatWorkload(w);
    const absl::StatusOr<Workload> parsed = ParseWorkload(text, "sketch");
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
    ASSERT_EQ(*parsed, w) << text;
    if (!o.allow_crash) {
      ASSERT_EQ(CountOps(w, OpCode::kCrash), 0);
    }
    for (const Actor& a : w.actors) {
      for (const Op& op : a.ops) {
        if (op.code != OpCode::kMmap) continue;
        if (!o.allow_sync) {
          ASSERT_FALSE(op.sync) << text;
        }
        if (!o.allow_private) {
          ASSERT_TRUE(op.shared) << text;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The correct models keep every invariant on generated workloads.

RC_GTEST_PROP(DaxGenerated, GeneratedWorkloadsAreCleanOnXfs, ()) { CheckClean("xfs", ""); }

RC_GTEST_PROP(DaxGenerated, GeneratedWorkloadsAreCleanOnExt4, ()) { CheckClean("ext4", ""); }

RC_GTEST_PROP(DaxGenerated, GeneratedWorkloadsAreCleanOnXfsPopulatePfns, ()) {
  CheckClean("xfs", "api=populate_pfns");
}

// ---------------------------------------------------------------------------------------------
// The pipeline can fail: with new blocks not zeroed, a store to a hole is caught.

constexpr char kBug[] = "bug_unzeroed_new_blocks=1";

TEST(DaxGenerated, UnzeroedNewBlocksBugIsFoundOnStoresToHoles) {
  const rc::Gen<Workload> gen = GenWorkload();
  int explored = 0;
  for (uint64_t i = 0; i < 200; ++i) {
    const Workload w = gen(rc::Random(7000 + i)).value();
    if (!StoresToHole(w)) continue;
    ++explored;
    std::string error;
    const std::optional<sim::Found> found = Explore("xfs", kBug, w, &error);
    ASSERT_TRUE(error.empty()) << error;
    if (!found.has_value()) continue;
    std::cout << "found after " << explored << " workloads with a store to a hole:\n"
              << Describe("xfs", kBug, w, *found);
    EXPECT_FALSE(found->token.empty());
    EXPECT_EQ(found->violation.kind, sim::ViolationKind::kInvariant);
    return;
  }
  FAIL() << "bug_unzeroed_new_blocks=1 not caught in " << explored
         << " generated workloads with a store to a hole";
}

// The same through RapidCheck: the property fails, and the workload it shrinks to is small.
TEST(DaxGenerated, UnzeroedNewBlocksBugShrinksToASmallWorkload) {
  std::optional<Workload> last;  // the last failing case is the minimal one
  const bool passed =
      rc::check("generated workloads are clean on xfs with bug_unzeroed_new_blocks=1", [&] {
        const Workload w = *GenWorkload();
        std::string error;
        const std::optional<sim::Found> found = Explore("xfs", kBug, w, &error);
        RC_PRE(error.empty());
        if (found.has_value()) {
          last = w;
          RC_FAIL(Describe("xfs", kBug, w, *found));
        }
      });
  ASSERT_FALSE(passed);
  ASSERT_TRUE(last.has_value());
  size_t ops = 0;
  for (const Actor& a : last->actors) ops += a.ops.size();
  EXPECT_LE(ops, 4u) << FormatWorkload(*last);
  EXPECT_GE(CountOps(*last, OpCode::kStore) + CountOps(*last, OpCode::kWrite) +
                CountOps(*last, OpCode::kFallocate) + CountOps(*last, OpCode::kUnpin),
            1u)
      << FormatWorkload(*last);
  std::cout << "minimal workload:\n" << FormatWorkload(*last);
}

}  // namespace
}  // namespace daxsim::props
