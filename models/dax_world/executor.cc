// Runs a workload actor: each user operation becomes what the kernel does for it (system calls
// into the filesystem, loads and stores through the page tables, GUP pins, cache flushes, power
// failure and recovery). User-visible results are emitted as trace events; `expect=` checks and
// the fsync durability oracle report violations.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "models/dax_world/memory_failure.h"
#include "models/dax_world/world.h"
#include "sim/check.h"
#include "sim/dax/entry.h"

namespace daxsim::models {

using sim::Access;
using workload::Op;
using workload::OpCode;

namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

// Per actor: its mappings by name, and its pins by (mapping, page offset).
using ActorState = DaxWorld::ActorState;

void Result(DaxWorld* w, DaxWorld::UserResult r) {
  if (w->on_result) w->on_result(r);  // props/dax/results.cc
}

using HistoryOp = DaxWorld::HistoryOp;

// The op log (DaxWorld::op_log): `op`'s result as a user program sees it. Every result passes
// here, so an expected result (`expect=SIGBUS`, `expect=EIO`, `ret=N`, `size f expect=N`) is
// checked here too: one that is not met is an I9 violation.
void LogOp(DaxWorld* w, const ActorState* st, const Op& op, std::string what,
           std::vector<uint8_t> data = {}, uint64_t addr = 0) {
  if (!op.result.empty() && !workload::ResultMatches(op.result, what) && !w->crashed) {
    w->sim().Report(sim::ViolationKind::kInvariant, "I9 user-visible result",
                    "I9 user-visible result: " + std::string(workload::OpName(op.code)) + " " +
                        (op.map.empty() ? op.file : op.map) + " got " + what + ", expected " +
                        op.result + " (workload line " + std::to_string(op.line) + ")");
  }
  if (w->op_log == nullptr) return;
  const auto& ops = w->workload().actors[st->index].ops;
  w->op_log->push_back(
      {st->index, static_cast<size_t>(&op - ops.data()), std::move(what), std::move(data), addr});
}

// A system call's result: "ret=N", or "err=ENAME" for -errno.
std::string RetText(int64_t n) {
  if (n >= 0) return "ret=" + std::to_string(n);
  const char* name = strerrorname_np(static_cast<int>(-n));
  return std::string("err=") + (name != nullptr ? name : std::to_string(-n));
}

HistoryOp::Signal SignalOf(const vm::AccessResult& r) {
  return r.kind == vm::AccessResult::kSigbus    ? HistoryOp::kSigbus
         : r.kind == vm::AccessResult::kSigsegv ? HistoryOp::kSigsegv
                                                : HistoryOp::kOk;
}

// Appends a history entry of `code` on `ino` that began at step `start` (still running) and
// returns its index (entries move as the history grows: callers keep indices).
size_t Record(DaxWorld* w, const ActorState* st, OpCode code, uint64_t ino, int64_t start) {
  HistoryOp h;
  h.code = code;
  h.actor = st->index;
  h.ino = ino;
  h.start = start;
  w->history.push_back(std::move(h));
  return w->history.size() - 1;
}

// The entry ends now: its outcome is known.
// Model coverage of the outcome: the call, its signal or return code, whether it read data.
void CoverOutcome(DaxWorld* w, const HistoryOp& h) {
  if (!w->sim().covering()) return;
  const uint64_t ret = h.ret < 0 ? static_cast<uint64_t>(-h.ret) : (h.ret > 0 ? 1000 : 0);
  w->sim().Cover(workload::OpName(h.code).data(),
                 sim::Mix(sim::Mix(h.signal, ret),
                          (h.cow ? 2u : 0u) | (h.eof ? 4u : 0u) | (h.result.empty() ? 0u : 8u)));
}

void Finish(DaxWorld* w, size_t i) {
  // The copy-on-write fault this call needed took effect if the call did. One that failed
  // (SIGBUS, SIGSEGV) may have failed before the copy (a media error, EOF) or after it (a retry
  // after a zap): the fault is left running, so the oracle may place it or not.
  if (i > 0 && w->history[i - 1].cow && w->history[i - 1].end < 0 &&
      w->history[i - 1].actor == w->history[i].actor && w->history[i].signal == HistoryOp::kOk) {
    Finish(w, i - 1);
  }
  HistoryOp& h = w->history[i];
  h.end = w->Tick();
  h.excused = w->Excused();
  h.after_unbind = w->unbound;
  CoverOutcome(w, h);
}

uint64_t FileOffset(const vm::Vma* vma, uint64_t off) {
  return vma->PgoffOf(vma->start) * vm::PAGE_SIZE + off;
}

// The file a pin was taken on (its mapping may be gone).
uint64_t PinIno(const DaxWorld* w, uint64_t pin_id) {
  for (auto it = w->history.rbegin(); it != w->history.rend(); ++it) {
    if (it->code == OpCode::kPin && it->pin == pin_id) return it->ino;
  }
  return 0;
}

// fsync(2) / msync(2): only the return value is seen (durability is durability.cc's).
void RecordSync(DaxWorld* w, const ActorState* st, const fs::Inode* ip, int64_t start, int err) {
  const size_t h = Record(w, st, OpCode::kFsync, ip->ino(), start);
  w->history[h].ret = err;
  Finish(w, h);
}

// read(2) / write(2) of [off, off + n): one entry per page copied, all with the syscall's
// interval; a write's entries go in when it starts (running ones may have taken effect when a
// power failure stops the execution). Returns the index of the first.
size_t RecordChunks(DaxWorld* w, const ActorState* st, OpCode code, uint64_t ino, uint64_t off,
                    uint64_t n, uint8_t value, int64_t start) {
  const size_t first = w->history.size();
  for (uint64_t p = off; p < off + n;) {
    const uint64_t len = std::min(off + n, (p & ~(vm::PAGE_SIZE - 1)) + vm::PAGE_SIZE) - p;
    const size_t h = Record(w, st, code, ino, start);
    w->history[h].offset = p;
    w->history[h].length = len;
    w->history[h].value = value;
    p += len;
  }
  return first;
}

// Whether a write(2) into the file page holding `offset` is running: from its start (it
// allocates, then invalidate_inode_pages2_range() drops the zero-page entry) until it returns
// (its unmap_mapping_pages() walk is over by then).
bool WriteRunning(const DaxWorld* w, uint64_t ino, uint64_t offset) {
  const uint64_t page = offset / vm::PAGE_SIZE;
  for (const HistoryOp& h : w->history) {
    if (h.code == OpCode::kWrite && h.ino == ino && h.end < 0 && !h.dropped &&
        h.offset / vm::PAGE_SIZE == page) {
      return true;
    }
  }
  return false;
}

// A write(2) of `len` bytes returned `n`: its entries (from `first`, one per page) for bytes
// written end now, the others are dropped (other actors hold indices into the history: nothing
// moves); an error or a short count adds an entry (ret = n or -1) the oracle must excuse.
void FinishWrite(DaxWorld* w, const ActorState* st, uint64_t ino, size_t first, uint64_t off,
                 uint64_t len, int64_t n, int64_t start, bool user_fault) {
  const uint64_t written = n > 0 ? static_cast<uint64_t>(n) : 0;
  const uint64_t pages = (off + len - 1) / vm::PAGE_SIZE - off / vm::PAGE_SIZE + 1;
  for (size_t i = first; i < first + pages; ++i) {
    HistoryOp& h = w->history[i];
    if (h.offset < off + written) {
      h.length = std::min(h.length, off + written - h.offset);
    } else {
      h.dropped = true;
    }
    Finish(w, i);
  }
  if (n < static_cast<int64_t>(len)) {
    const size_t h = Record(w, st, OpCode::kWrite, ino, start);
    w->history[h].offset = off;
    w->history[h].ret = n < 0 ? n : -1;
    Finish(w, h);
    // A user buffer that faulted ends the copy: the faulting access is judged itself.
    if (user_fault) w->history[h].excused = true;
  }
}

// A write(2) from a mapping (from=): each page's entry carries the bytes copy_from_user
// brought in (the oracle writes them instead of `value`).
void SetWrittenBytes(DaxWorld* w, size_t first, const Op& op, const std::vector<uint8_t>& buf) {
  const uint64_t pages =
      (op.offset + op.length - 1) / vm::PAGE_SIZE - op.offset / vm::PAGE_SIZE + 1;
  for (size_t i = first; i < first + pages && i < w->history.size(); ++i) {
    HistoryOp& h = w->history[i];
    if (h.dropped || h.code != OpCode::kWrite) continue;
    const auto at = buf.begin() + static_cast<int64_t>(h.offset - op.offset);
    h.result.assign(at, at + static_cast<int64_t>(h.length));
  }
}

// A read(2) returned `n`: one entry per page copied; the last marked `eof` if the count is
// short; an error is one entry the oracle must excuse.
void RecordRead(DaxWorld* w, const ActorState* st, uint64_t ino, const Op& op, int64_t n,
                const std::vector<uint8_t>& buf, bool user_fault) {
  if (n < 0) {
    const size_t h = Record(w, st, OpCode::kRead, ino, st->op_start);
    w->history[h].offset = op.offset;
    w->history[h].ret = n;
    Finish(w, h);
    if (user_fault) w->history[h].excused = true;  // EFAULT: the faulting store is judged
    return;
  }
  const size_t first =
      RecordChunks(w, st, OpCode::kRead, ino, op.offset, static_cast<uint64_t>(n), 0, st->op_start);
  if (user_fault) {  // short at the user buffer's fault, not at EOF
    for (size_t i = first; i < w->history.size(); ++i) {
      const auto at = buf.begin() + static_cast<int64_t>(w->history[i].offset - op.offset);
      w->history[i].result.assign(at, at + static_cast<int64_t>(w->history[i].length));
      Finish(w, i);
    }
    return;
  }
  if (n < static_cast<int64_t>(op.length) && first == w->history.size()) {
    const size_t h = Record(w, st, OpCode::kRead, ino, st->op_start);  // nothing read: at EOF
    w->history[h].offset = op.offset;
  }
  for (size_t i = first; i < w->history.size(); ++i) {
    HistoryOp& h = w->history[i];
    h.result.assign(buf.begin() + static_cast<int64_t>(h.offset - op.offset),
                    buf.begin() + static_cast<int64_t>(h.offset - op.offset + h.length));
    Finish(w, i);
  }
  if (n < static_cast<int64_t>(op.length)) w->history.back().eof = true;
}

// The copy-on-write fault of a private store or pin (it ends with the call that needs it).
void RecordCow(DaxWorld* w, const ActorState* st, uint64_t ino, uint64_t map_id, uint64_t off,
               int64_t start) {
  const size_t h = Record(w, st, OpCode::kStore, ino, start);
  w->history[h].cow = true;
  w->history[h].map = map_id;
  w->history[h].offset = off;
}

// Loads or stores [off, off + len) of a mapping, page by page (one history entry each). A store
// writes `value`, or the bytes at `src` (a read(2)'s copy_to_user: the history entry then
// carries them); `flags`: the fault flags (a system call's copy faults in kernel mode).
sim::Task<vm::AccessResult> Access_(DaxWorld* w, ActorState* st, vm::Mm* mm, vm::Vma* vma,
                                    uint64_t map_id, uint64_t off, uint64_t len, bool write,
                                    uint8_t value, std::vector<uint8_t>* out,
                                    const uint8_t* src = nullptr,
                                    uint32_t flags = vm::kUserFaultFlags) {
  vm::AccessResult r;
  auto* ip = static_cast<fs::Inode*>(vma->ops);
  for (uint64_t p = off; p < off + len;) {
    const uint64_t n = std::min(off + len, (p & ~(vm::PAGE_SIZE - 1)) + vm::PAGE_SIZE) - p;
    std::vector<uint8_t> buf(n, value);
    if (src != nullptr) std::copy(src + (p - off), src + (p - off) + n, buf.begin());
    // The durability oracle's generations move before and after a write: an fsync snapshot
    // taken around it cannot tell which content must survive.
    const bool touch = write && vma->shared;
    if (touch) w->BeginWrite(ip->ino(), vma->PgoffOf(vma->start + p));
    const int64_t start = w->Tick();
    if (write && !vma->shared) RecordCow(w, st, ip->ino(), map_id, FileOffset(vma, p), start);
    const size_t h = Record(w, st, write ? OpCode::kStore : OpCode::kLoad, ip->ino(), start);
    w->history[h].map = map_id;
    w->history[h].offset = FileOffset(vma, p);
    w->history[h].length = n;
    w->history[h].value = value;
    if (src != nullptr) w->history[h].result = buf;  // the bytes stored
    r = co_await w->vm().UserAccess(mm, vma->start + p, buf.data(), n, write, flags);
    if (touch) w->EndWrite(ip->ino(), vma->PgoffOf(vma->start + p));
    w->history[h].signal = SignalOf(r);
    if (!write && r.kind == vm::AccessResult::kOk) {
      w->history[h].result = buf;
      const vm::Pte* pte = mm->pt.pte(vma->start + p);
      const vm::Pmd& pmd = mm->pt.pmd(vma->start + p);
      const bool zero_page =
          pmd.kind == vm::Pmd::Kind::kHuge ? pmd.zero : pte != nullptr && vm::IsZeroPfn(pte->pfn);
      // The README finding: write(2) (or a populate_pfns write fault) has allocated and its
      // invalidation has not reached this mapping yet (or an unmap walk is running), or a write
      // fault holds the zero entry locked, has allocated, and its dax_insert_entry() has not
      // unmapped the zero page yet; whether the mapping holds the zero page or the huge one.
      const auto entry = ip->mapping().i_pages.Load(vma->PgoffOf(vma->start + p));
      const bool zero_entry_locked =
          entry && dax::dax_is_zero_entry(entry->value) && dax::dax_is_locked(entry->value);
      w->history[h].zero_page_unmapping =
          zero_page &&
          (ip->mapping().i_mmap_rwsem.readers() > 0 || ip->new_blocks_invalidating() > 0 ||
           zero_entry_locked || WriteRunning(w, ip->ino(), FileOffset(vma, p)));
    }
    Finish(w, h);
    if (r.kind != vm::AccessResult::kOk) co_return r;
    if (write) {  // the block the store reached (through whatever the page tables held)
      const uint64_t addr = vma->start + p;
      const vm::Pmd& pmd = mm->pt.pmd(addr);
      const vm::Pte* pte = mm->pt.pte(addr);
      const vm::Pfn pfn = pmd.kind == vm::Pmd::Kind::kHuge
                              ? pmd.pfn + ((addr & ~vm::PMD_MASK) >> vm::PAGE_SHIFT)
                              : (pte != nullptr ? pte->pfn : 0);
      if (pfn != 0 && w->pmem().OwnsPfn(pfn)) {
        const uint64_t block = w->pmem().PfnToPgoff(pfn);
        w->data_owner[block] = {ip->ino(), w->fs().ZeroCount(block)};
      }
    }
    if (out != nullptr) out->insert(out->end(), buf.begin(), buf.end());
    p += n;
  }
  co_return r;
}

// The user buffer of a read(2)/write(2): the actor's own memory, or (to=/from=) a range of one
// of its mappings, each page of which the system call's copy loads or stores as a kernel-mode
// access, with the history entries a load or store has. `*fault`: a copy failed.
vm::UserBuffer UserBufferOf(DaxWorld* w, ActorState* st, vm::Mm* mm, const Op& op, uint8_t* data,
                            bool* fault) {
  vm::UserBuffer ub;
  ub.data = data;
  if (op.buf_map.empty()) return ub;
  vm::Vma* vma = st->maps.at(op.buf_map);
  const uint64_t map_id = st->map_ids[op.buf_map];
  const uint64_t base = op.buf_offset;
  ub.addr = vma->start + base;
  ub.access = [w, st, mm, vma, map_id, base, data, fault](
                  uint64_t offset, uint64_t len, bool to_user) -> sim::Task<vm::AccessResult> {
    std::vector<uint8_t> loaded;
    const vm::AccessResult r = co_await Access_(
        w, st, mm, vma, map_id, base + offset, len, to_user, 0, to_user ? nullptr : &loaded,
        to_user ? data + offset : nullptr, vm::FAULT_FLAG_DEFAULT);
    if (!to_user) std::copy(loaded.begin(), loaded.end(), data + offset);
    if (r.kind != vm::AccessResult::kOk) *fault = true;
    co_return r;
  };
  return ub;
}

void TouchRange(DaxWorld* w, const fs::Inode* ip, uint64_t off, uint64_t len, bool begin) {
  for (uint64_t pg = off / vm::PAGE_SIZE; pg <= (off + len - 1) / vm::PAGE_SIZE; ++pg) {
    if (begin) {
      w->BeginWrite(ip->ino(), pg);
    } else {
      w->EndWrite(ip->ino(), pg);
    }
  }
}

// A truncate that waited for i_rwsem while another actor extended the file removes the pages
// the extension added too, which TouchRange() did not cover at its start: every page at or
// beyond `from` (bytes) that the oracle knows counts as written by the truncate (an fsync
// snapshot of one before the truncate no longer binds it; the 2026 campaign's ext2 false alarm).
void TouchPagesAddedMeanwhile(DaxWorld* w, const fs::Inode* ip, uint64_t from) {
  const uint64_t first = (from + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE;
  for (auto it = w->page_generation.lower_bound({ip->ino(), first});
       it != w->page_generation.end() && it->first.first == ip->ino(); ++it) {
    w->BeginWrite(ip->ino(), it->first.second);
    w->EndWrite(ip->ino(), it->first.second);
  }
}

const char* Signal(const vm::AccessResult& r) {
  return r.kind == vm::AccessResult::kSigbus    ? "SIGBUS"
         : r.kind == vm::AccessResult::kSigsegv ? "SIGSEGV"
                                                : "ok";
}

// fsync / msync with the durability oracle: the content of every page of the file at the start
// must survive a later power failure, unless the page was written again meanwhile.
// The snapshot is kept in the actor's world state (digested), not in this frame.
sim::Task<int> SyncFile(DaxWorld* w, ActorState* st, fs::Inode* ip, uint64_t start, uint64_t end,
                        sim::Task<int> sync) {
  std::map<uint64_t, DaxWorld::Expectation>& snap = st->sync_snapshot;
  snap.clear();
  const uint64_t pages = (ip->i_size() + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE;
  for (uint64_t pg = start / vm::PAGE_SIZE; pg < pages && pg <= end / vm::PAGE_SIZE; ++pg) {
    if (w->page_inflight[{ip->ino(), pg}] > 0) continue;  // content not yet decided
    snap.emplace(
        pg, DaxWorld::Expectation{w->ReadFilePage(*ip, pg), w->page_generation[{ip->ino(), pg}]});
  }
  for (ActorState& other : w->actor_states) {
    if (other.sync_running && other.sync_ino == ip->ino()) {
      other.sync_overlapped = st->sync_overlapped = true;
    }
  }
  st->sync_running = true;
  st->sync_skipped = false;
  st->sync_ino = ip->ino();
  const int err = co_await std::move(sync);
  st->sync_running = false;
  const bool overlapped = std::exchange(st->sync_overlapped, false);
  const bool skipped = std::exchange(st->sync_skipped, false);
  if (err == 0) {
    for (auto& [pg, e] : snap) {
      e.overlapped = overlapped;
      e.skipped = skipped;
      w->durable.insert_or_assign({ip->ino(), pg}, std::move(e));
    }
  }
  snap.clear();
  co_return err;
}

sim::Task<void> PowerFailure(sim::Sim& sim, DaxWorld* w) {
  auto _ = sim.Enter("power failure");
  co_await sim.Point("crash", {sim::kAllObjects, Access::kWrite});
  sim.KillOthers();
  w->pmem().Crash([&sim](int n, const char* label) { return sim.Choose(n, label); });
  w->fs().Recover();
  // Volatile state is gone: page tables, DAX entries, pins.
  for (auto& [name, mm] : w->mutable_mms()) {
    mm->pt.Clear();
    mm->ClearVmas();
  }
  for (const auto& ip : w->fs().inodes()) {
    ip->mapping().i_mmap.clear();
    for (const auto& [index, slot] : std::map<uint64_t, vm::Xarray::Slot>(
             ip->mapping().i_pages.slots().begin(), ip->mapping().i_pages.slots().end())) {
      ip->mapping().i_pages.Erase(index);
    }
    ip->mapping().nrpages = 0;
  }
  w->pins.clear();
  w->crashed = true;
  if (w->after_recovery) w->after_recovery();  // props/dax/durability.cc
}

sim::Task<void> Execute(sim::Sim& sim, DaxWorld* w, vm::Mm* mm, ActorState* st, const Op& op) {
  fs::Filesystem& fs = w->fs();
  const std::string line = std::string(workload::OpName(op.code)) + " ";
  switch (op.code) {
    case OpCode::kMmap: {
      auto _ = sim.Enter("sys_mmap");
      fs::Inode* ip = fs.Find(op.file);
      const vm::Vma proto = VmaFor(op, ip);
      const int64_t start = w->Tick();
      st->maps[op.map] = co_await w->vm().Mmap(mm, proto, op.length);
      const size_t h = Record(w, st, OpCode::kMmap, ip->ino(), start);
      st->map_ids[op.map] = w->history[h].map = w->next_map_id++;
      w->history[h].offset = op.offset;
      w->history[h].length = op.length;
      w->history[h].shared = proto.shared;
      w->history[h].writable = proto.writable;
      Finish(w, h);
      LogOp(w, st, op, "ok", {}, st->maps[op.map]->start);
      break;
    }
    case OpCode::kMunmap: {
      auto _ = sim.Enter("sys_munmap");
      const size_t h = Record(w, st, OpCode::kMunmap,
                              static_cast<fs::Inode*>(st->maps.at(op.map)->ops)->ino(), w->Tick());
      w->history[h].map = st->map_ids[op.map];
      co_await w->vm().Munmap(mm, st->maps.at(op.map));
      Finish(w, h);
      LogOp(w, st, op, "ret=0");
      st->maps.erase(op.map);
      break;
    }
    case OpCode::kLoad:
    case OpCode::kStore: {
      const bool write = op.code == OpCode::kStore;
      vm::Vma* vma = st->maps.at(op.map);
      std::vector<uint8_t> got;
      const auto* file = static_cast<fs::Inode*>(vma->ops);
      // Oracle snapshots live in the world (ActorState), not in locals: state caching digests
      // the world, and these are read outside any footprint.
      st->size_before = file->i_size();
      st->truncates_before = w->truncates[file->ino()];
      const vm::AccessResult r =
          co_await Access_(w, st, mm, vma, st->map_ids[op.map], op.offset, op.length, write,
                           static_cast<uint8_t>(op.value), &got);
      const uint64_t last = vma->PgoffOf(vma->start) * vm::PAGE_SIZE + op.offset + op.length - 1;
      const bool inside = st->truncates_before == w->truncates[file->ino()] &&
                          last < std::min(st->size_before, file->i_size());
      sim.Emit(
          line + op.map + " " + Hex(op.offset) + " -> " + Signal(r) +
          (write || r.kind != vm::AccessResult::kOk ? "" : " " + Hex(got.empty() ? 0 : got[0])));
      Result(w,
             {line + op.map + " " + Hex(op.offset), &op, r.kind == vm::AccessResult::kOk,
              r.kind == vm::AccessResult::kSigbus, inside, write ? std::vector<uint8_t>{} : got});
      LogOp(w, st, op, Signal(r),
            write || r.kind != vm::AccessResult::kOk ? std::vector<uint8_t>{} : got);
      break;
    }
    case OpCode::kClwb: {
      vm::Vma* vma = st->maps.at(op.map);
      for (uint64_t p = op.offset & ~(vm::PAGE_SIZE - 1); p < op.offset + op.length;
           p += vm::PAGE_SIZE) {
        const uint64_t addr = vma->start + p;
        const vm::Pte* pte = mm->pt.pte(addr);
        const vm::Pmd& pmd = mm->pt.pmd(addr);
        vm::Pfn pfn = 0;
        if (pmd.kind == vm::Pmd::Kind::kHuge)
          pfn = pmd.pfn + ((addr & ~vm::PMD_MASK) >> vm::PAGE_SHIFT);
        else if (pte != nullptr)
          pfn = pte->pfn;
        co_await sim.Point(
            "clwb", {mm->PtObject(addr), Access::kRead, w->phys().PageObject(pfn), Access::kWrite});
        if (pfn != 0 && w->pmem().OwnsPfn(pfn)) {
          const uint64_t lo = std::max(op.offset, p),
                         hi = std::min(op.offset + op.length, p + vm::PAGE_SIZE);
          w->pmem().Clwb((pfn << vm::PAGE_SHIFT) + (lo - p), hi - lo);
          if (vma->sync) {
            const auto* ip = static_cast<fs::Inode*>(vma->ops);
            const uint64_t file_off = vma->PgoffOf(vma->start) * vm::PAGE_SIZE + lo;
            st->flushed.push_back({ip->ino(), file_off, hi - lo,
                                   w->page_generation[{ip->ino(), file_off / vm::PAGE_SIZE}]});
          }
        }
      }
      LogOp(w, st, op, "ok");
      break;
    }
    case OpCode::kSfence:
      co_await sim.Point("sfence", {});  // observed only by a power failure (a global step)
      w->pmem().Sfence();
      // What this actor stored through MAP_SYNC mappings and wrote back is now durable.
      for (const ActorState::Flushed& f : st->flushed) {
        const uint64_t page = f.offset / vm::PAGE_SIZE;
        if (w->page_generation[{f.ino, page}] != f.generation) continue;
        for (const auto& ip : fs.inodes()) {
          if (ip->ino() != f.ino) continue;
          const std::vector<uint8_t> content = w->ReadFilePage(*ip, page);
          const uint64_t in = f.offset % vm::PAGE_SIZE;
          w->durable_ranges.push_back(
              {f.ino, f.offset,
               std::vector<uint8_t>(content.begin() + in, content.begin() + in + f.len),
               f.generation});
        }
      }
      st->flushed.clear();
      LogOp(w, st, op, "ok");
      break;
    case OpCode::kMsync: {
      vm::Vma* vma = st->maps.at(op.map);
      fs::Inode* ip = static_cast<fs::Inode*>(vma->ops);
      const uint64_t fstart = vma->PgoffOf(vma->start + op.offset) << vm::PAGE_SHIFT;
      const int64_t start = w->Tick();
      sim::Task<int> msync =
          w->vm().Msync(mm, vma, vma->start + op.offset, vma->start + op.offset + op.length);
      // MS_SYNC writes back only VM_SHARED mappings (mm/msync.c): a private one promises nothing.
      const int err = vma->shared ? co_await SyncFile(w, st, ip, fstart, fstart + op.length - 1,
                                                      std::move(msync))
                                  : co_await std::move(msync);
      RecordSync(w, st, ip, start, err);
      sim.Emit(line + op.map + " -> " + std::to_string(err));
      LogOp(w, st, op, RetText(err));
      break;
    }
    case OpCode::kMadviseDontneed: {
      vm::Vma* vma = st->maps.at(op.map);
      const size_t h = Record(w, st, OpCode::kMadviseDontneed,
                              static_cast<fs::Inode*>(vma->ops)->ino(), w->Tick());
      w->history[h].map = st->map_ids[op.map];
      w->history[h].offset = FileOffset(vma, op.offset);
      w->history[h].length = op.length;
      co_await w->vm().MadviseDontneed(mm, vma, vma->start + op.offset,
                                       vma->start + op.offset + op.length);
      Finish(w, h);
      LogOp(w, st, op, "ret=0");
      break;
    }
    case OpCode::kPin: {
      vm::Vma* vma = st->maps.at(op.map);
      int err = 0;  // the first page's that failed
      // get_user_pages_fast(): O_DIRECT and vmsplice (FOLL_GET); FOLL_LONGTERM comes with
      // FOLL_PIN (pin_user_pages: io_uring, RDMA).
      const uint32_t gup_flags = (op.write_access ? vm::FOLL_WRITE : 0) |
                                 (op.longterm ? vm::FOLL_PIN | vm::FOLL_LONGTERM : vm::FOLL_GET);
      for (uint64_t p = op.offset & ~(vm::PAGE_SIZE - 1); p < op.offset + op.length;
           p += vm::PAGE_SIZE) {
        vm::Pfn pfn = 0;
        const int64_t start = w->Tick();
        const uint64_t ino = static_cast<fs::Inode*>(vma->ops)->ino();
        const bool write = op.write_access;  // a read pin breaks no COW (no FOLL_WRITE)
        if (!vma->shared && write && !op.longterm) {
          RecordCow(w, st, ino, st->map_ids[op.map], FileOffset(vma, p), start);
        }
        const size_t h = Record(w, st, OpCode::kPin, ino, start);
        w->history[h].map = st->map_ids[op.map];
        w->history[h].offset = FileOffset(vma, p);
        w->history[h].length = vm::PAGE_SIZE;
        w->history[h].writable = write;
        w->history[h].gup_fast = op.gup_fast;
        w->history[h].longterm = op.longterm;
        vm::Vm& v = w->vm();
        err = op.gup_fast ? co_await v.GetUserPagesFast(mm, vma->start + p, gup_flags, &pfn)
                          : co_await v.GetUserPages(mm, vma->start + p, gup_flags, &pfn);
        w->history[h].ret = err;
        Finish(w, h);
        sim.Emit(line + op.map + " " + Hex(p) + " -> " + (err == 0 ? "ok" : RetText(err)));
        if (err != 0) break;
        w->history[h].pin = w->next_pin_id++;
        st->pinned.insert({{op.map, p}, {w->history[h].pin, pfn, write}});
        if (w->pmem().OwnsPfn(pfn)) {
          fs::Inode* ip = static_cast<fs::Inode*>(vma->ops);
          w->pins.push_back({pfn, ip, vma->PgoffOf(vma->start + p), op.longterm});
        }
      }
      LogOp(w, st, op, err == 0 ? "ok" : RetText(err));
      break;
    }
    case OpCode::kUnpin: {
      for (uint64_t p = op.offset & ~(vm::PAGE_SIZE - 1); p < op.offset + op.length;
           p += vm::PAGE_SIZE) {
        auto it = st->pinned.lower_bound({op.map, p});  // the oldest pin of the page
        if (it == st->pinned.end() || it->first != std::pair{op.map, p}) continue;
        const vm::Pfn pfn = it->second.pfn;
        // The device writes only through a write pin, and only when the I/O carries data.
        const bool dma = it->second.write && op.dma;
        std::vector<uint8_t> data(dma ? vm::PAGE_SIZE : 0, static_cast<uint8_t>(op.value));
        // The device's DMA write is a write to the file page for the durability oracle.
        auto map = st->maps.find(op.map);
        const fs::Inode* ip =
            map == st->maps.end() || !dma ? nullptr : static_cast<fs::Inode*>(map->second->ops);
        const uint64_t page = ip ? map->second->PgoffOf(map->second->start + p) : 0;
        if (ip) w->BeginWrite(ip->ino(), page);
        if (ip) w->dma_written.insert({ip->ino(), page});
        const uint64_t pin_id = it->second.id;
        const size_t h = Record(w, st, OpCode::kUnpin, PinIno(w, pin_id), w->Tick());
        w->history[h].pin = pin_id;
        w->history[h].value = static_cast<uint8_t>(op.value);
        w->history[h].writable = dma;
        if (dma && w->on_dma_write) w->on_dma_write(pfn, op.map + " " + Hex(p));
        co_await w->vm().UnpinUserPage(pfn, 0, data.data(), data.size());
        Finish(w, h);
        if (ip) w->EndWrite(ip->ino(), page);
        auto pin = std::find_if(w->pins.begin(), w->pins.end(),
                                [pfn](const auto& x) { return x.pfn == pfn; });
        if (pin != w->pins.end()) w->pins.erase(pin);
        st->pinned.erase(it);
      }
      LogOp(w, st, op, "ok");
      break;
    }
    case OpCode::kPoison: {
      // madvise(MADV_HWPOISON) -> madvise_inject_error(): get_user_pages_fast(start, 1, 0) (a
      // read GUP: a hole's page is the zero page, a private mapping's is not copied), then
      // memory_failure() of the page's pfn. A page that is not pmem (the zero page, a COW copy)
      // is left alone: 6.1 would poison it as RAM (README, "Known differences from Linux 6.1").
      vm::Vma* vma = st->maps.at(op.map);
      vm::Pfn pfn = 0;
      // A failed get_user_pages_fast() is madvise_inject_error()'s result.
      int ret = co_await w->vm().GetUserPagesFast(mm, vma->start + op.offset, vm::FOLL_GET, &pfn);
      if (ret == 0 && w->pmem().OwnsPfn(pfn)) {
        fs::Inode* ip = static_cast<fs::Inode*>(vma->ops);
        ret = co_await MemoryFailureDevPagemap(sim, w->vm(), w->dax(), w->pmem(), *ip,
                                               vma->PgoffOf(vma->start + op.offset), pfn);
      } else if (ret == 0 && vm::IsAnonPfn(pfn)) {
        w->phys().put_page(pfn);  // GUP's reference (the zero page takes none)
      }
      LogOp(w, st, op, RetText(ret));
      break;
    }
    case OpCode::kRead:
    case OpCode::kWrite: {
      fs::Inode* ip = fs.Find(op.file);
      std::vector<uint8_t> buf(op.length, static_cast<uint8_t>(op.value));
      st->op_start = w->Tick();
      bool user_fault = false;  // a copy from or to the user buffer (from=/to=) failed
      const vm::UserBuffer ub = UserBufferOf(w, st, mm, op, buf.data(), &user_fault);
      int64_t n;
      if (op.code == OpCode::kWrite) {
        const size_t first = RecordChunks(w, st, OpCode::kWrite, ip->ino(), op.offset, op.length,
                                          static_cast<uint8_t>(op.value), st->op_start);
        TouchRange(w, ip, op.offset, op.length, true);
        n = co_await fs.Write(ip, op.offset, op.length, ub);
        TouchRange(w, ip, op.offset, op.length, false);
        FinishWrite(w, st, ip->ino(), first, op.offset, op.length, n, st->op_start, user_fault);
        if (ub.access) SetWrittenBytes(w, first, op, buf);
        for (uint64_t pg = op.offset / vm::PAGE_SIZE;
             n > 0 && pg <= (op.offset + static_cast<uint64_t>(n) - 1) / vm::PAGE_SIZE; ++pg) {
          if (auto e = ip->Lookup(pg); e && !e->second.unwritten) {
            const uint64_t block = e->second.block + (pg - e->first);
            w->data_owner[block] = {ip->ino(), fs.ZeroCount(block)};
          }
        }
      } else {
        n = co_await fs.Read(ip, op.offset, op.length, ub);
        RecordRead(w, st, ip->ino(), op, n, buf, user_fault);
        if (n >= 0) {
          buf.resize(static_cast<size_t>(n));
          Result(w, {"read " + op.file, &op, true, false, false, buf});
        }
      }
      sim.Emit(line + op.file + " " + Hex(op.offset) + " -> " + std::to_string(n));
      // A read into a mapping (to=) logs its count only, as the real-kernel runner does.
      LogOp(w, st, op, RetText(n),
            op.code == OpCode::kRead && n > 0 && op.buf_map.empty() ? buf : std::vector<uint8_t>{});
      break;
    }
    case OpCode::kFallocate:
    case OpCode::kPunchHole:
    case OpCode::kZeroRange: {
      fs::Inode* ip = fs.Find(op.file);
      const auto mode = op.code == OpCode::kFallocate   ? fs::Filesystem::FallocMode::kAllocate
                        : op.code == OpCode::kPunchHole ? fs::Filesystem::FallocMode::kPunchHole
                                                        : fs::Filesystem::FallocMode::kZeroRange;
      const bool touch = mode != fs::Filesystem::FallocMode::kAllocate;
      if (touch) TouchRange(w, ip, op.offset, op.length, true);
      const size_t h = Record(w, st, op.code, ip->ino(), w->Tick());
      w->history[h].offset = op.offset;
      w->history[h].length = op.length;
      const int err = co_await fs.Fallocate(ip, mode, op.offset, op.length);
      w->history[h].ret = err;
      Finish(w, h);
      if (touch) TouchRange(w, ip, op.offset, op.length, false);
      sim.Emit(line + op.file + " -> " + std::to_string(err));
      LogOp(w, st, op, RetText(err));
      break;
    }
    case OpCode::kTruncate: {
      fs::Inode* ip = fs.Find(op.file);
      const uint64_t old_size = std::max<uint64_t>(ip->i_size(), vm::PAGE_SIZE);
      const uint64_t from = op.offset & ~(vm::PAGE_SIZE - 1);
      if (old_size > from) TouchRange(w, ip, from, old_size - from, true);
      // Growing: the pages it adds are being written until it returns. An fsync that starts
      // after its i_size_write but before its transaction commits need not make the new size
      // durable (the 2026 campaign's shard 29, every model), so none of them binds it.
      const uint64_t grow_from = ip->i_size() & ~(vm::PAGE_SIZE - 1);
      const bool grows = op.offset > ip->i_size();
      if (grows) TouchRange(w, ip, grow_from, op.offset - grow_from, true);
      w->truncates[ip->ino()]++;
      const size_t h = Record(w, st, op.code, ip->ino(), w->Tick());
      w->history[h].offset = op.offset;
      const int err = co_await fs.Truncate(ip, op.offset);
      w->history[h].ret = err;
      Finish(w, h);
      w->truncates[ip->ino()]++;
      if (old_size > from) TouchRange(w, ip, from, old_size - from, false);
      if (grows) TouchRange(w, ip, grow_from, op.offset - grow_from, false);
      TouchPagesAddedMeanwhile(w, ip, std::max(from, old_size));
      sim.Emit(line + op.file + " " + Hex(op.offset) + " -> " + std::to_string(err));
      LogOp(w, st, op, RetText(err));
      break;
    }
    case OpCode::kFsync: {
      fs::Inode* ip = fs.Find(op.file);
      const int64_t start = w->Tick();
      const int err =
          co_await SyncFile(w, st, ip, 0, UINT64_MAX >> 1, fs.Fsync(ip, 0, UINT64_MAX >> 1));
      RecordSync(w, st, ip, start, err);
      sim.Emit(line + op.file + " -> " + std::to_string(err));
      LogOp(w, st, op, RetText(err));
      break;
    }
    case OpCode::kSize: {
      // fstat(2) -> vfs_getattr() -> generic_fillattr(): st_size = i_size_read(inode).
      fs::Inode* ip = fs.Find(op.file);
      auto _ = sim.Enter("vfs_getattr");
      const size_t h = Record(w, st, op.code, ip->ino(), w->Tick());
      const int err = co_await fs.Getattr(ip);
      if (err < 0) {
        w->history[h].ret = err;
        Finish(w, h);
        sim.Emit(line + op.file + " -> " + std::to_string(err));
        LogOp(w, st, op, RetText(err));
        break;
      }
      co_await sim.Point("i_size_read", {ip->size_object(), Access::kRead});
      w->history[h].ret = static_cast<int64_t>(ip->i_size());
      Finish(w, h);
      sim.Emit(line + op.file + " -> " + std::to_string(ip->i_size()));
      LogOp(w, st, op, "size=" + std::to_string(ip->i_size()));
      break;
    }
    case OpCode::kInjectBadBlock: {
      // A latent media error under the file block: loads machine-check (SIGBUS), the driver
      // learns of it only at the next scrub (S21).
      fs::Inode* ip = fs.Find(op.file);
      co_await sim.Point("inject media error", {sim::kAllObjects, Access::kWrite});
      if (auto e = ip->Lookup(op.offset >> vm::PAGE_SHIFT)) {
        w->pmem().InjectLatentError(e->second.block + ((op.offset >> vm::PAGE_SHIFT) - e->first));
      }
      LogOp(w, st, op, "ok");
      break;
    }
    case OpCode::kScrub: {
      // Address range scrub: latent errors become known bad blocks; direct access then fails
      // (faults SIGBUS before mapping, read(2) gets EIO).
      co_await sim.Point("ars scrub", {sim::kAllObjects, Access::kWrite});
      sim.Emit("scrub -> " + std::to_string(w->pmem().Scrub()) + " bad blocks");
      LogOp(w, st, op, "ok");
      break;
    }
    case OpCode::kUnbind: {
      // pmem_remove() -> kill_dax(): later dax_direct_access() fails (faults SIGBUS, read(2)
      // and write(2) ENXIO). 6.1 tells no one: existing mappings of the device stay (I10, a
      // known finding; confirmed on 6.1 ext4 and xfs, where umount then oopses in
      // dax_disassociate_entry). v6.8's MF_MEM_PRE_REMOVE holder notification makes xfs unmap
      // and kill the users first.
      auto _ = sim.Enter("kill_dax");
      co_await sim.Point("kill_dax", {sim::kAllObjects, Access::kWrite});
      w->pmem().Kill();
      w->unbound = true;
      LogOp(w, st, op, "ok");
      break;
    }
    case OpCode::kCrash:
      co_await PowerFailure(sim, w);
      break;
    case OpCode::kBarrier:
      co_await w->barriers.at(op.barrier)->ArriveAndWait();
      LogOp(w, st, op, "ok");
      break;
  }
}

}  // namespace

sim::Task<void> RunActor(sim::Sim& sim, DaxWorld* w, size_t index) {
  const workload::Actor& a = w->workload().actors[index];
  vm::Mm* mm = w->mm(a.mm);
  ActorState& st = w->actor_states.at(index);
  st.index = index;
  st.maps = w->setup_maps[a.mm];
  st.map_ids = w->setup_map_ids[a.mm];
  // Between operations the actor keeps nothing but `i`: what an operation observed and
  // produced is in the world's ActorState (results, pins, the sync snapshot). For stateful
  // search the history of earlier operations is forgotten.
  sim::CallSummary next_op(&sim, 0x0e5);
  for (size_t i = workload::SetupOpCount(a); i < a.ops.size(); ++i) {
    next_op.LoopHead(i);
    co_await Execute(sim, w, mm, &st, a.ops[i]);
    if (w->crashed) co_return;
  }
  // Exit: DMA still pinned at exit is released (the process's pins die with it).
  for (const auto& [key, held] : st.pinned) {
    const vm::Pfn pfn = held.pfn;
    co_await w->vm().UnpinUserPage(pfn, 0, nullptr, 0);
    auto pin =
        std::find_if(w->pins.begin(), w->pins.end(), [pfn](const auto& x) { return x.pfn == pfn; });
    if (pin != w->pins.end()) w->pins.erase(pin);
  }
}

}  // namespace daxsim::models
