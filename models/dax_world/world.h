// One DAX world per execution: an NVDIMM, the VM (physical memory, address spaces), the DAX core
// and an xfs-like filesystem, with the workload's files set up and one actor per workload
// actor. Invariants I1-I8 are registered on the sim (invariants.cc); the actors' operations are
// interpreted by executor.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/workload/workload.h"
#include "sim/dax/dax.h"
#include "sim/fs/fs.h"
#include "sim/nvdimm/pmem.h"
#include "sim/sim.h"
#include "sim/sync/barrier.h"
#include "sim/vm/mm.h"
#include "sim/vm/phys_mem.h"
#include "sim/vm/vm_ops.h"
#include "sim/world.h"

namespace daxsim::models {

struct DaxModelConfig {
  std::string model = "xfs";
  fs::FsParams fs;
  nvdimm::Platform platform = nvdimm::Platform::kAdr;
  int wait_table_bits = dax::Dax::kWaitTableBitsDefault;
  BugSet bugs;  // switched-on mutants (models/bugs); fs.bugs carries the same set
  dax::LockedEntries locked_entries = dax::LockedEntries::kSkip61;
  // Allocations each actor may see fail (sim::Sim::FailAlloc): XArray nodes in
  // grab_mapping_entry(), page tables, copy-on-write pages. 0: none (the default).
  int alloc_failures = 0;
};

class DaxWorld : public sim::World, public sim::StateModel {
 public:
  static constexpr vm::Pfn kBasePfn = 0x100000;  // 4 GiB, PMD aligned

  DaxWorld(sim::Sim& sim, const DaxModelConfig& config, const workload::Workload& w);

  sim::Sim& sim() const { return *sim_; }  // the scheduler running this world (not its state)
  nvdimm::Pmem& pmem() { return pmem_; }
  vm::PhysMem& phys() { return phys_; }
  vm::Vm& vm() { return vm_; }
  dax::Dax& dax() { return dax_; }
  fs::Filesystem& fs() { return fs_; }
  const workload::Workload& workload() const { return *workload_; }
  vm::Mm* mm(const std::string& name) { return mms_.at(name).get(); }
  const std::map<std::string, std::unique_ptr<vm::Mm>>& mms() const { return mms_; }
  std::map<std::string, std::unique_ptr<vm::Mm>>& mutable_mms() { return mms_; }

  // fsync durability oracle: the content of a file page when an fsync covering it started,
  // valid while no write to that page followed (`generation` unchanged). Digest() of the
  // content is computed once, when stateful search first asks.
  struct Expectation {
    std::vector<uint8_t> content;
    uint64_t generation;
    // Another writeback of the file ran during the fsync that made it durable: 6.1's shared
    // TOWRITE walk lets the later one return before the earlier has flushed (a finding, README).
    bool overlapped = false;
    // A writeback that fsync ran skipped a DIRTY entry of the file because it was locked (6.1's
    // dax_writeback_one(); a finding, README).
    bool skipped = false;
    uint64_t Digest() const;
    mutable uint64_t digest = 0;
    mutable bool digested = false;
  };

  // A workload actor's executor state. It lives here, not in the actor's frame, because parts
  // of it are read outside any footprint (oracle snapshots): the world digest must cover them.
  struct ActorState {
    size_t index = 0;
    // clwb'ed ranges of MAP_SYNC mappings since the last sfence: (ino, offset, len, generation).
    struct Flushed {
      uint64_t ino, offset, len, generation;
    };
    std::vector<Flushed> flushed;
    std::map<std::string, vm::Vma*> maps;
    std::map<std::string, uint64_t> map_ids;  // the oracle's mapping ids
    // Pins held, by (mapping, page offset); a page pinned twice holds two, oldest first (an
    // unpin completes the oldest).
    struct HeldPin {
      uint64_t id;  // the oracle's pin id
      vm::Pfn pfn;
      bool write;  // FOLL_WRITE (pin rw): the device may write into the page
    };
    std::multimap<std::pair<std::string, uint64_t>, HeldPin> pinned;
    // The current load/store/read/write: its first step, and i_size and the file's truncate
    // count when it started (for I9 and the linearizability history).
    int64_t op_start = 0;
    uint64_t size_before = 0, truncates_before = 0;
    // The running fsync/msync's snapshot of the file's pages (page -> expectation).
    std::map<uint64_t, Expectation> sync_snapshot;
    // The running fsync/msync's file, and whether another one of that file ran meanwhile.
    bool sync_running = false, sync_overlapped = false;
    bool sync_skipped = false;  // its writeback skipped a locked entry of the file
    uint64_t sync_ino = 0;
  };
  std::vector<ActorState> actor_states;  // by workload actor, sized at construction

  // StateModel (stateful search): all of the above and every component's digest; an object's
  // digest from the component that owns it (the whole world for an unknown one).
  uint64_t WorldDigest() const override;
  uint64_t ObjectDigest(sim::ObjectId id) const override;
  uint64_t AmbientDigest() const override { return pmem_.AccessDigest(); }

  // What the every-step invariants read, by class (Sim::AddInvariant's `reads`): page tables
  // and VMAs, XArray slots and marks, the block map (extents, sizes, zeroing, inodes), pins,
  // the device's life. InputChanges() is the world's change probe (Sim::SetChangeProbe): the
  // classes changed since its previous call, from the versions and journals the components
  // keep (vm::PageTable::changes, vm::Xarray::changes, fs::Filesystem::block_map_version,
  // vm::Mm::vma_version), so it costs a few comparisons per step.
  static constexpr uint64_t kReadsMappings = 1, kReadsEntries = 2, kReadsBlocks = 4, kReadsPins = 8,
                            kReadsDevice = 16;
  uint64_t InputChanges();

  // Mappings made at setup, by mm then name, and their oracle ids.
  std::map<std::string, std::map<std::string, vm::Vma*>> setup_maps;
  std::map<std::string, std::map<std::string, uint64_t>> setup_map_ids;

  // GUP pins alive: the page, and which file block it belonged to when pinned (I8).
  struct Pin {
    vm::Pfn pfn;
    const fs::Inode* inode;
    uint64_t fsb;
    bool longterm = false;  // FOLL_LONGTERM (I8: never on a pmem page)
    friend bool operator==(const Pin&, const Pin&) = default;
  };
  std::vector<Pin> pins;
  // InputChanges()'s last reading.
  struct Inputs {
    std::vector<uint64_t> mappings, entries;
    uint64_t blocks = 0, pins = 0, device = 0;
  };
  Inputs inputs_seen, inputs_scratch;
  // PFNs whose clean entry dax_invalidate_mapping_entry_sync() deleted (invalidate_inode_pages2_
  // range(); dax::Dax::on_invalidate_pfn_entry): a mapping or a pin of one outliving its entry is
  // the README finding of xfs write(2)'s IOMAP_F_NEW invalidation, named in I2's and I8's
  // messages. Only grows: the marker may name a PFN that was deleted once and mapped again.
  std::set<vm::Pfn> invalidated_pfns;
  // PFNs of locked entries 6.1's dax_layout_busy_page_range() skipped without looking at their
  // pins (dax::Dax::on_busy_scan_skip; the README finding), named in I8's message. Only grows.
  std::set<vm::Pfn> busy_skipped_pfns;
  // The workload's barriers by name (`barrier NAME`), each for the actors that name it.
  std::map<std::string, std::unique_ptr<sim::Barrier>> barriers;
  // Write pins granted where writing was not permitted (page -> why): the DMA through them is
  // a violation when it happens (props/dax/write_permission.cc).
  std::map<vm::Pfn, std::string> forbidden_pins;
  std::function<void(vm::Pfn pfn, const std::string& where)> on_dma_write;

  std::map<std::pair<uint64_t, uint64_t>, uint64_t> page_generation;  // (ino, page) -> writes
  std::map<std::pair<uint64_t, uint64_t>, Expectation> durable;       // after a completed fsync
  std::set<std::pair<uint64_t, uint64_t>> dma_written;  // (ino, page): a DMA write reached it
  // Bytes stored through a MAP_SYNC mapping, written back with clwb and fenced with sfence by
  // the storing actor: durable without fsync (PMDK's persist). Valid while the page's generation
  // is unchanged.
  struct DurableRange {
    uint64_t ino, offset;
    std::vector<uint8_t> bytes;
    uint64_t generation;
  };
  std::vector<DurableRange> durable_ranges;
  // The inode whose user data a block last received (stores and write(2)), and the block's
  // zero count then: after recovery a file must not show another file's data.
  struct DataOwner {
    uint64_t ino;
    uint64_t zero_count;
  };
  std::map<uint64_t, DataOwner> data_owner;  // by block
  // Writers in flight per page: from the end of the step before the write (its first step is
  // not yet known) to its end. A snapshot is taken only of pages with none in flight.
  std::map<std::pair<uint64_t, uint64_t>, int> page_inflight;
  void BeginWrite(uint64_t ino, uint64_t page) {
    page_generation[{ino, page}]++;
    page_inflight[{ino, page}]++;
  }
  void EndWrite(uint64_t ino, uint64_t page) {
    page_generation[{ino, page}]++;
    page_inflight[{ino, page}]--;
  }
  // The file page's content as the CPU sees it now (zeros for holes and unwritten extents).
  std::vector<uint8_t> ReadFilePage(const fs::Inode& ip, uint64_t page) const;
  // History for the user-visible oracle (props/dax/results.cc against props/spec): every call
  // whose outcome a user sees or whose effect a later call can see, with the step interval it
  // took. Loads and stores are one entry per page; read(2) and write(2) one per page they
  // copied (the last of a short read marked `eof`). Setup mappings come first, at step 0.
  struct HistoryOp {
    workload::OpCode code = workload::OpCode::kLoad;
    size_t actor = 0;
    uint64_t ino = 0;
    uint64_t map = 0;                        // mapping id (map ops)
    uint64_t pin = 0;                        // pin id (pin, unpin)
    uint64_t offset = 0, length = 0;         // file offset and bytes; truncate: the new size
    uint8_t value = 0;                       // written byte
    bool shared = true, writable = true;     // mmap; pin: FOLL_WRITE; unpin: the device wrote
                                             // `value` into the page
    bool gup_fast = true, longterm = false;  // pin: get_user_pages_fast(), FOLL_LONGTERM
    enum Signal : uint8_t { kOk, kSigbus, kSigsegv };
    Signal signal = kOk;
    int64_t ret = 0;                   // syscalls: 0 or -errno
    std::vector<uint8_t> result;       // bytes read
    bool eof = false;                  // read(2): the short count ends here
    bool excused = false;              // an error may have a cause the oracle does not track
    bool dropped = false;              // a write(2) page it did not reach (ignored)
    bool cow_zero_filled = false;      // a COW whose copy faulted and was zero-filled (6.1)
    bool zero_page_unmapping = false;  // a load served by the zero page while a walk of the
                                       // file's mappings (an unmap) held i_mmap_rwsem
    bool after_unbind = false;         // it ended after kill_dax: the data it saw is not judged
    bool cow = false;  // the copy-on-write fault a private store or pin needs (it may take its
                       // copy before the store lands); the next entry is that store or pin
    int64_t start = 0, end = -1;  // history clock (Tick) at start and end; -1: running
  };
  std::vector<HistoryOp> history;
  uint64_t next_map_id = 1, next_pin_id = 1;
  // The history's clock: a call's start is read before its first step and its end after its
  // last, so `a.end <= b.start` says a completed before b began. Setup mappings are [0, 1].
  int64_t history_clock = 2;
  int64_t Tick() { return history_clock++; }
  // Errors whose cause the oracle does not track are excused: the workload injects media errors
  // or unbinds, an allocation ran out of space, or an injected allocation failure (ENOMEM, a
  // short copy) happened. (An injected memory failure is not among them:
  // on 6.1 the page stays readable, see memory_failure.h.)
  bool Excused() const {
    return sigbus_expected || fs_.enospc() || sim_->alloc_failures_injected() > 0;
  }
  bool crashed = false;
  bool unbound = false;  // an unbind (kill_dax) ran
  // Property hooks (props/dax): after a power failure and recovery; on every user-visible
  // result of a load, store or read.
  std::function<void()> after_recovery;
  struct UserResult {
    std::string what;           // "load m 0x1000", "read f"
    const workload::Op* op;     // the operation (expect=, value)
    bool ok;                    // no signal, no error
    bool sigbus;                // a load or store got SIGBUS
    bool inside_eof_all_along;  // its bytes stayed below i_size, no truncate overlapped it
    std::vector<uint8_t> got;   // bytes read (ok loads and reads)
  };
  std::function<void(const UserResult&)> on_result;
  // Every operation's result as the user sees it, for comparison with a real kernel
  // (tools/kernel/model_run.cc); logged only when set. Not part of the state digest.
  struct OpLogEntry {
    size_t actor = 0, op = 0;   // workload actor, index in its ops
    std::string what;           // "ok", "ret=N", "err=ENAME", "SIGBUS", "SIGSEGV"
    std::vector<uint8_t> data;  // bytes a load or read(2) returned
    uint64_t addr = 0;          // mmap: the mapping's start
  };
  std::vector<OpLogEntry>* op_log = nullptr;
  // The workload injects media errors or unbinds the device: a SIGBUS inside
  // i_size may be legitimate. Otherwise such a SIGBUS is a violation (I9).
  bool sigbus_expected = false;
  // Per inode: bumped by every truncate, so an access that overlapped one is not judged by size.
  std::map<uint64_t, uint64_t> truncates;
  bool sim_end = false;  // invariants: evaluating the end-of-execution variants
  // invariants: the block owners of the state the per-step mapping pass is checking (set
  // during that pass only; CheckMappingCoherence falls back to Filesystem::BlockOwner).
  const fs::Filesystem::OwnerIndex* owners = nullptr;
  // invariants: how the per-step mapping pass runs (props/dax/mapping_pass.cc). kChanged: only
  // over the mappings whose inputs a step may have changed; kEveryStep: over every mapping
  // after every step; kVerified: as kChanged, then as kEveryStep, and a violation only the
  // second finds is reported as the first's miss (tests).
  enum class MappingPass : uint8_t { kChanged, kEveryStep, kVerified };
  MappingPass mapping_pass = MappingPass::kChanged;
  // invariants: I8 (props/dax/pins.cc) re-checks the pins only after a step that changed them or
  // the block map; true: after every step (tests compare the two).
  bool pin_check_every_step = false;

 private:
  sim::Sim* sim_;
  const workload::Workload* workload_;
  nvdimm::Pmem pmem_;
  vm::PhysMem phys_;
  vm::Vm vm_;
  dax::Dax dax_;
  fs::Filesystem fs_;
  std::map<std::string, std::unique_ptr<vm::Mm>> mms_;
};

// The VMA an mmap op asks for (address range chosen by Mm::InsertVma).
vm::Vma VmaFor(const workload::Op& mmap_op, fs::Inode* ip);

// The coroutine of workload actor `index`.
sim::Task<void> RunActor(sim::Sim& sim, DaxWorld* world, size_t index);

// Builds a whole world: device, files, setup mappings, invariants, actors.
std::unique_ptr<DaxWorld> BuildDaxWorld(sim::Sim& sim, const DaxModelConfig& config,
                                        const workload::Workload& w);

}  // namespace daxsim::models
