// The DAX world's StateModel (stateful search, sim/explore/dfs.h): the world digest combines
// every component's digest (device, physical pages, VM, DAX core, filesystem, each mm) with the
// oracle state kept here (durability expectations, data owners, pins, the linearizability
// history, each actor's executor state). Step numbers recorded by the oracles are digested by
// rank: they are only ever compared with each other and with later step numbers, so two paths
// that recorded them in the same order reach the same state.
#include <algorithm>
#include <cstring>

#include "models/dax_world/world.h"

namespace daxsim::models {

namespace {

using sim::Mix;
using sim::MixString;

// Page-sized contents: a word at a time with a multiply-xorshift step, finished with Mix.
uint64_t MixBytes(uint64_t h, const std::vector<uint8_t>& bytes) {
  uint64_t x = Mix(h, bytes.size());
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    x = (x ^ w) * 0xff51afd7ed558ccdULL;
    x ^= x >> 32;
  }
  for (; i < bytes.size(); ++i) x = (x ^ bytes[i]) * 0xc4ceb9fe1a85ec53ULL;
  return Mix(h, x);
}

// A mapping an actor holds, by its place in its mm. The pointer may be stale (another thread
// of the process unmapped it): it is only compared with the mm's live VMAs, never followed
// unless it is one of them.
uint64_t MixVma(uint64_t h, const vm::Mm& mm, const vm::Vma* vma) {
  for (const auto& live : mm.vmas) {
    if (live.get() == vma) return Mix(MixString(h, mm.name()), vma->start);
  }
  return Mix(h, 0xdead);
}

// The rank of `step` among `steps` (sorted, unique).
uint64_t Rank(const std::vector<int64_t>& steps, int64_t step) {
  return static_cast<uint64_t>(std::lower_bound(steps.begin(), steps.end(), step) - steps.begin());
}

}  // namespace

uint64_t DaxWorld::Expectation::Digest() const {
  if (!digested) {
    digest = MixBytes(0xe4, content);
    digested = true;
  }
  return digest;
}

uint64_t DaxWorld::WorldDigest() const {
  uint64_t h = Mix(0xda7, pmem_.Digest());
  h = Mix(h, phys_.Digest());
  h = Mix(h, vm_.Digest());
  h = Mix(h, dax_.Digest());
  h = Mix(h, fs_.Digest());
  for (const auto& [name, mm] : mms_) h = Mix(MixString(h, name), mm->Digest());
  for (const Pin& p : pins) h = Mix(Mix(Mix(h, p.pfn), p.inode ? p.inode->ino() : 0), p.fsb);
  for (const auto& [key, gen] : page_generation) h = Mix(Mix(Mix(h, key.first), key.second), gen);
  for (const auto& [key, e] : durable) {
    h = Mix(Mix(Mix(Mix(h, key.first), key.second), e.generation), e.Digest());
    h = Mix(h, (e.overlapped ? 1u : 0u) | (e.skipped ? 2u : 0u));
  }
  for (const DurableRange& r : durable_ranges) {
    h = MixBytes(Mix(Mix(Mix(h, r.ino), r.offset), r.generation), r.bytes);
  }
  for (const auto& [ino, page] : dma_written) h = Mix(Mix(h, ino), page);
  for (const vm::Pfn pfn : invalidated_pfns) h = Mix(h, pfn);
  for (const vm::Pfn pfn : busy_skipped_pfns) h = Mix(h, pfn ^ 0xb5);
  for (const auto& [pfn, why] : forbidden_pins) h = MixString(Mix(h, pfn), why);
  for (const auto& [block, o] : data_owner) h = Mix(Mix(Mix(h, block), o.ino), o.zero_count);
  for (const auto& [key, n] : page_inflight) {
    if (n != 0) h = Mix(Mix(Mix(h, key.first), key.second), static_cast<uint64_t>(n));
  }
  for (const auto& [ino, n] : truncates) h = Mix(Mix(h, ino), n);
  for (const auto& [name, b] : barriers) h = Mix(MixString(h, name), b->arrived());
  h = Mix(h, (crashed ? 2u : 0u) | (sim_end ? 4u : 0u) | (unbound ? 8u : 0u));
  h = Mix(Mix(h, next_map_id), next_pin_id);
  // Step numbers by rank.
  std::vector<int64_t> steps;
  for (const HistoryOp& op : history) {
    steps.push_back(op.start);
    steps.push_back(op.end);
  }
  for (const ActorState& st : actor_states) steps.push_back(st.op_start);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  for (const HistoryOp& op : history) {
    const auto actor = static_cast<uint64_t>(sim_->CanonActor(static_cast<sim::ActorId>(op.actor)));
    h = Mix(Mix(Mix(Mix(h, actor), op.ino), op.offset), op.length);
    h = Mix(Mix(Mix(h, static_cast<uint64_t>(op.code)), op.map), op.pin);
    h = Mix(Mix(h, static_cast<uint64_t>(op.ret)),
            op.signal | (op.shared ? 4u : 0u) | (op.writable ? 8u : 0u) | (op.eof ? 16u : 0u) |
                (op.excused ? 32u : 0u) | (op.dropped ? 64u : 0u) | (op.cow ? 128u : 0u) |
                (op.zero_page_unmapping ? 256u : 0u) | (op.after_unbind ? 512u : 0u) |
                (op.cow_zero_filled ? 1024u : 0u));
    h = MixBytes(Mix(h, op.value), op.result);
    h = Mix(Mix(h, Rank(steps, op.start)), op.end < 0 ? ~0ull : Rank(steps, op.end));
  }
  // Each actor's state under its canonical name (Sim::CanonActor; actor ids are workload
  // indices), in canonical order.
  std::vector<size_t> by_canon(actor_states.size());
  for (size_t i = 0; i < actor_states.size(); ++i) {
    by_canon[static_cast<size_t>(sim_->CanonActor(static_cast<sim::ActorId>(i)))] = i;
  }
  for (size_t c = 0; c < by_canon.size(); ++c) {
    const size_t i = by_canon[c];
    const ActorState& st = actor_states[i];
    const vm::Mm& mm = *mms_.at(workload_->actors[i].mm);
    h = Mix(Mix(h, c), Rank(steps, st.op_start));
    h = Mix(Mix(h, st.size_before), st.truncates_before);
    for (const ActorState::Flushed& f : st.flushed) {
      h = Mix(Mix(Mix(Mix(h, f.ino), f.offset), f.len), f.generation);
    }
    for (const auto& [name, vma] : st.maps) h = MixVma(MixString(h, name), mm, vma);
    for (const auto& [name, id] : st.map_ids) h = Mix(MixString(h, name), id);
    for (const auto& [key, pin] : st.pinned) {
      h = Mix(Mix(Mix(Mix(MixString(h, key.first), key.second), pin.id), pin.pfn), pin.write);
    }
    h = Mix(Mix(h, st.sync_snapshot.size()), (st.sync_running ? 1u : 0u) |
                                                 (st.sync_overlapped ? 2u : 0u) |
                                                 (st.sync_skipped ? 4u : 0u));
    h = Mix(h, st.sync_ino);
    for (const auto& [pg, e] : st.sync_snapshot) h = Mix(Mix(Mix(h, pg), e.generation), e.Digest());
  }
  return h;
}

uint64_t DaxWorld::ObjectDigest(sim::ObjectId id) const {
  uint64_t out = 0;
  if (phys_.ObjectDigest(id, &out)) return out;
  for (const auto& [name, mm] : mms_) {
    if (mm->ObjectDigest(id, &out)) return out;
  }
  if (fs_.ObjectDigest(id, &out)) return out;
  if (dax_.ObjectDigest(id, &out)) return out;
  return WorldDigest();  // not claimed by a component: the whole world, conservatively
}

}  // namespace daxsim::models
