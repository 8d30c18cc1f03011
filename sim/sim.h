// The deterministic scheduler: actors are C++20 coroutines run one step at a time on one
// thread. A step starts at a scheduling point (an awaited Point/Block/Schedule that declares the
// actor's next operation: label + footprint) and runs the operation and the local code after it
// up to the next point. A Strategy picks which enabled actor steps next and answers Choose().
// Detection built in: deadlock, lost wake-up, step budget, sleep-in-atomic, lockdep lock order,
// lock misuse, actor assertions and registered invariants.
//
// Enabledness rule (DPOR relies on it, and Run() CHECKs it): an actor's pending operation can
// become enabled or disabled only by a step of another actor whose footprint names the same
// object with a non-read access.
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/digest.h"
#include "sim/footprint.h"
#include "sim/task.h"
#include "sim/violation.h"

namespace daxsim::sim {

using ActorId = int32_t;
inline constexpr ActorId kNoActor = -1;

class Sim;
class Actor;

// Something a blocked actor waits for (a lock, a completion, a wake-up).
class Blocker {
 public:
  virtual ~Blocker() = default;
  virtual bool CanProceed(const Actor& waiter) const = 0;
  // Actors the waiter waits for (lock owners), for the deadlock wait-for graph.
  virtual void Holders(std::vector<ActorId>* out) const {}
  virtual std::string Describe(const Sim& sim) const = 0;
};

// What stateful exploration needs from a world (optional; see sim/explore/stateful.h). The
// world's digests must cover everything a future step or check can observe:
//   WorldDigest(): all shared state, including what end-of-execution checks read (result logs,
//     oracle records) and the state of the sync primitives;
//   ObjectDigest(id): the state a step whose footprint names `id` can read; for a lock, the
//     state it protects (not the lock's owners and waiters: a blocking acquire or a release
//     does not tell its caller who else holds the lock; WorldDigest has them);
//   AmbientDigest(): state any step may read without naming it (the device's liveness and bad
//     blocks, read by dax_direct_access()); it changes only in steps whose footprint is
//     kAllObjects.
// An actor's continuation is then digested by the engine from what it observed: each step's
// label and footprint, the ObjectDigest of its footprint objects, the AmbientDigest, and the
// values its choices took. This is sound if every value an actor's code reads is in its
// footprint, ambient, or protected by a lock it holds (the same discipline DPOR's independence
// relies on): a lock's protected state changes only under the lock, so what a holder reads
// later is what the acquiring step observed plus the holder's own writes.
class StateModel {
 public:
  virtual ~StateModel() = default;
  virtual uint64_t WorldDigest() const = 0;
  virtual uint64_t ObjectDigest(ObjectId id) const = 0;
  virtual uint64_t AmbientDigest() const { return 0; }
};

struct PendingOp {
  const char* op = "start";
  Footprint fp;
  const Blocker* blocker = nullptr;  // null: always enabled
};

struct StepRecord {
  ActorId actor;
  const char* op;
  const char* func;  // innermost kernel-style function at the point, or "" if none
  Footprint fp;
  // Per-step invariants the step may have changed the truth of (bit k: the k-th one, mod 64),
  // as the world's change probe saw it (Sim::SetChangeProbe); all bits for a step that did not
  // run. Partial-order reduction makes two steps that share a bit dependent (see
  // Sim::AddInvariant).
  uint64_t visible = 0;
};

// One decision of an execution, in order: which actor stepped, or which value a choice took.
struct Decision {
  enum Kind : uint8_t { kStep, kChoice };
  Kind kind;
  int32_t value;      // actor id (steps) or chosen value (choices)
  int32_t n;          // alternatives (choices); 0 for steps
  const char* label;  // the step's operation label, or the choice's label
};

struct TraceEvent {
  int64_t step;
  ActorId actor;
  std::string text;
  bool step_echo = false;  // the step's own label (not a model event from Emit)
};

// A hand-off between actors, recorded with options.trace for trace views: a wake-up of a
// sleeping actor, or a lock taken or released (pairs of a release and the next acquisition of
// the same lock show who waited for whom).
struct Handoff {
  enum Kind : uint8_t { kWake, kAcquire, kRelease };
  Kind kind;
  int64_t step;   // the step it happened in
  ActorId actor;  // the waker, acquirer or releaser
  ActorId woken;  // kWake: the actor woken; kNoActor otherwise
  ObjectId lock;  // kAcquire, kRelease: the lock; kNoObject otherwise
};

struct HeldLock {
  ObjectId lock;
  const char* lock_class;
  bool spin;
  uint64_t seq = 0;  // the holder's acquisition count when it took the lock
};

// Where an actor's history was, for forgetting it later (RetryLoop, CallSummary).
struct ContinuationMark {
  uint64_t continuation = 0;
  uint64_t acquisitions = 0;  // locks taken after the mark and still held are re-observed
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Picks one of sim.enabled() (non-empty); kNoActor abandons the execution as redundant.
  virtual ActorId PickActor(const Sim& sim) = 0;
  // Picks a value in [0, n), n >= 2.
  virtual int PickChoice(const Sim& sim, int n, const char* label) = 0;
  // Whether it reads StepRecord::visible (partial-order reduction): the change probe runs
  // after every step only for such a strategy.
  virtual bool UsesVisibility() const { return false; }
};

struct SimOptions {
  int64_t steps_max = 100000;    // per execution; exceeding it is a kStepBudget violation
  bool record_steps = true;      // keep StepRecords (DPOR, oracle, swimlanes)
  bool record_decisions = true;  // keep Decisions (replay tokens); off only in raw benchmarks
  bool trace = false;            // keep TraceEvents (replay --trace)
  int spurious_wakeups = 0;      // up to this many sleeps per execution may return without a
                                 // wake-up (each sleep is then a choice); 0 = off
  bool lockdep = true;           // lock-class order checking
  bool stateful = false;         // digest continuations for a StateModel (stateful search only:
                                 // it costs ObjectDigest calls on every step)
  int fault_retries_max = 16;    // a user access that faults this many times without a usable
                                 // mapping ends the execution as unfair; 0 = never (the kernel
                                 // retries forever): searches that cache states use 0, since
                                 // a retry that changed nothing returns to a state on the stack
  bool coverage = false;         // collect model coverage points (Cover(), every step's
                                 // function and label) for coverage-guided fuzzing
  bool tally = false;            // collect the oracles' tallies (Tally()), e.g. for --json
};

class Actor {
 public:
  const std::string& name() const { return name_; }
  // The process it is a thread of (display only: trace views group actors by it); "" = its own.
  const std::string& group() const { return group_; }
  ActorId id() const { return id_; }
  bool done() const { return done_; }
  // Stopped by a power failure before finishing: its pending operation never ran, but it was
  // possible (DPOR reverses races with it).
  bool killed() const { return killed_; }
  const PendingOp& pending() const { return pending_; }
  const std::vector<HeldLock>& held() const { return held_; }
  const std::vector<const char*>& func_stack() const { return func_stack_; }
  bool woken() const { return woken_; }
  int preempt_count() const { return preempt_count_; }
  int alloc_failures_left() const { return alloc_failures_left_; }

 private:
  friend class Sim;
  friend class FuncGuard;
  std::string name_;
  std::string group_;
  ActorId id_ = kNoActor;
  Task<void> top_;
  std::coroutine_handle<> resume_;
  PendingOp pending_;
  bool done_ = false;
  bool killed_ = false;
  bool woken_ = false;
  int preempt_count_ = 0;
  int alloc_failures_left_ = 0;  // Sim::FailAlloc()
  std::vector<HeldLock> held_;
  std::vector<const char*> func_stack_;
  std::function<bool()> sleep_cond_;  // condition an actor sleeps for (lost wake-up check)
  uint64_t continuation_ = 0;         // digest of what it observed (with a StateModel)
  uint64_t observation_ = 0;          // the running step's observation (with a StateModel)
  uint64_t acquisitions_ = 0;         // locks taken so far (HeldLock::seq)
  uint64_t step_base_ = 0;            // the continuation before the running step
  uint64_t step_identity_ = 0;        // the running step's label, footprint and ambient state
  bool step_reset_ = false;           // a reset or a choice happened in the running step
};

// Pops the actor's kernel-function stack when the enclosing coroutine frame ends.
class FuncGuard {
 public:
  explicit FuncGuard(Actor* a) : a_(a) {}
  FuncGuard(FuncGuard&& o) noexcept : a_(o.a_) { o.a_ = nullptr; }
  FuncGuard(const FuncGuard&) = delete;
  FuncGuard& operator=(const FuncGuard&) = delete;
  ~FuncGuard() {
    if (a_ != nullptr) a_->func_stack_.pop_back();
  }

 private:
  Actor* a_;
};

class Sim;

// A retry loop whose iterations carry nothing but the loop's parameters (fixed at entry) and the
// `iteration` passed to Head() (an attempt counter; the executor's operation index): call Head()
// at the top of every iteration. For stateful search the actor's continuation at a head is then
// (continuation at loop entry, iteration, this step's observation), not the history of earlier
// iterations, so an actor that re-checks and sleeps again returns to a state seen before
// instead of a new one. Sound only if the loop body's locals are recomputed each iteration
// from what the current step observes (its footprint and the locks it holds).
class RetryLoop {
 public:
  RetryLoop(Sim* sim, uint64_t tag) : sim_(sim), tag_(tag) {}
  // `iteration`: what the loop does carry (an attempt counter, an operation index), if anything.
  void Head(uint64_t iteration = 0);

 private:
  Sim* sim_;
  uint64_t tag_;
  bool entered_ = false;
  ContinuationMark mark_;
};

// A call whose caller keeps nothing of the callee but its result: construct it just before the
// call and call Returned() just after, with a digest of the result and of every out-parameter
// the callee set. For stateful search the actor's continuation is then (continuation at the
// call, tag, result, ambient state): which waits the callee went through and what each of its
// steps observed are forgotten, so two paths that differ only inside the callee meet again.
// Sound if (1) the callee changes its caller's locals only through the result and the digested
// out-parameters, and (2) the caller reads no shared state other than ambient state between the
// return and its next scheduling point (a step's reads are digested when the step starts; a
// read after the reset would go unrecorded).
// Inside a function, a CallSummary made at entry also serves a loop whose iterations carry
// nothing but a counter (LoopHead at the top of each, under the same condition (2)), and a
// function that returns nothing can forget its own history (Returned(0) as its last statement).
class CallSummary {
 public:
  CallSummary(Sim* sim, uint64_t tag);
  void Returned(uint64_t result);
  void LoopHead(uint64_t carried);

 private:
  Sim* sim_;
  uint64_t tag_;
  ContinuationMark mark_;
};

class Sim {
 public:
  explicit Sim(SimOptions options = {});
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  // Destroys every actor and all execution state; keeps capacity.
  void Reset(const SimOptions& options);
  const SimOptions& options() const { return options_; }

  // ---- World construction (before Run, or by an actor during a step) ----
  ObjectId NewObject(const char* name, int index = -1);
  // `count` consecutive objects name[0..count-1]; returns the first id. O(1) whatever count.
  ObjectId NewObjects(const char* name, int count);
  std::string ObjectName(ObjectId id) const;
  ActorId Spawn(std::string name, Task<void> body);
  // Names the process actor `a` is a thread of, for trace views only (no effect on a run).
  void SetActorGroup(ActorId a, std::string group) { actors_[a]->group_ = std::move(group); }
  using Check = std::function<std::optional<std::string>()>;
  // Registers a predicate: nullopt = holds, otherwise the failure message. An every-step
  // invariant reads global state that steps of different actors may change without conflicting
  // (an unpin and a block free), so a state where it fails may lie between two independent
  // steps that an equivalent order runs the other way round; partial-order reduction must then
  // order them (the visibility condition, Peled's C2). `reads` names the classes of state it
  // reads, in the bits the world's change probe reports; a step whose changes meet them is
  // visible to it, and steps visible to one invariant are dependent (StepRecord::visible).
  // Without a probe every step is visible to every every-step invariant.
  static constexpr uint64_t kReadsAll = ~uint64_t{0};
  void AddInvariant(std::string name, Check check, bool every_step = true,
                    uint64_t reads = kReadsAll);
  // The world's change probe: the classes of state (bits, the world's own) changed since the
  // previous call. Called after every recorded step while there are every-step invariants; it
  // must report every change to what they read (a missed change makes the reduction unsound).
  using ChangeProbe = std::function<uint64_t()>;
  void SetChangeProbe(ChangeProbe probe) { change_probe_ = std::move(probe); }
  // The bits StepRecord::visible can have: one per every-step invariant (0: none).
  uint64_t visible_all() const { return visible_all_; }

  // Stateful exploration: the world's digests (set by the world's builder; null = none).
  // Ignored unless options().stateful.
  void SetStateModel(const StateModel* model) {
    state_model_ = options_.stateful ? model : nullptr;
  }
  bool has_state_model() const { return state_model_ != nullptr; }
  // Symmetry (stateful search): actors given one class (>= 0; -1: none) are interchangeable:
  // the same program, and nothing in the world that is one's and not another's except what
  // the world digests through CanonActor(). Key() then names a state up to a permutation of
  // each class. Set by the world's builder after spawning; cleared by Reset().
  void SetSymmetry(std::vector<int> classes);
  // Inside Key() (while it digests the world): actor `a`'s canonical name; otherwise `a`.
  ActorId CanonActor(ActorId a) const {
    return a < 0 || canon_.empty() ? a : canon_[static_cast<size_t>(a)];
  }
  // The permutation the last Key() used: actor -> canonical name (identity if no symmetry).
  const std::vector<ActorId>& key_perm() const { return key_perm_; }
  const StateModel* state_model() const { return state_model_; }
  // The state at this decision point: world, every actor's continuation, pending operation,
  // wake-up and lock state, the lockdep graph; with `with_preemptions`, the preemption count
  // and the last actor (for bounded search). REQUIRES: has_state_model().
  StateKey Key(bool with_preemptions) const;

  // ---- Running ----
  void Run(Strategy& strategy);
  const Violation& violation() const { return violation_; }
  bool completed() const { return completed_; }  // every actor finished, no violation
  bool abandoned() const { return abandoned_; }  // strategy abandoned (redundant), or unfair
  bool unfair() const { return unfair_; }        // ended by AbandonUnfair

  // ---- State for strategies and reports ----
  const std::vector<ActorId>& enabled() const { return enabled_; }
  bool IsEnabled(ActorId a) const;
  bool last_actor_enabled() const { return last_enabled_; }
  ActorId last_actor() const { return last_actor_; }
  int64_t step_count() const { return step_count_; }
  int num_actors() const { return static_cast<int>(actors_.size()); }
  const Actor& actor(ActorId a) const { return *actors_[a]; }
  const std::vector<StepRecord>& steps() const { return steps_; }
  const std::vector<Decision>& decisions() const { return decisions_; }
  const std::vector<TraceEvent>& trace() const { return trace_; }
  // With options.trace (and record_steps): per step, the stepping actor's function stack at its
  // scheduling point, outermost first; and the hand-offs between actors, in order.
  const std::vector<std::vector<const char*>>& step_stacks() const { return step_stacks_; }
  const std::vector<Handoff>& handoffs() const { return handoffs_; }
  int preemptions() const { return preemptions_; }
  int context_switches() const { return context_switches_; }

  // ---- Used inside actors ----
  struct PointAwaiter {
    Sim* sim;
    PendingOp op;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { sim->Suspend(h, op); }
    void await_resume() const noexcept {}
  };
  // A scheduling point: the code after it is the operation `op` touching `fp`.
  PointAwaiter Point(const char* op, Footprint fp) { return {this, {op, fp, nullptr}}; }
  // Narrows what the running step observed to `value` (stateful search): for a step whose
  // footprint object is larger than what it reads (one PMD of a page-table slot that digests 512
  // PTEs). Call it first thing after the scheduling point; sound if the step's code, until its
  // next scheduling point, uses nothing it read but `value`.
  void Observed(uint64_t value);
  // Adds a value the running step read outside its footprint to what it observed (an
  // allocator's answer: which anonymous page a COW fault got).
  void AlsoObserved(uint64_t value);
  // Where the running actor's history is now (for CallSummary, RetryLoop and RebaseAcquire).
  ContinuationMark Mark() const;
  // A lock acquired, at once or after waiting in a later step (rw_semaphore): the running
  // step's observation becomes (lock, ambient, the lock's protected state) on top of the history
  // at `mark` (taken just before the acquisition's first scheduling point), so whether the
  // acquisition waited is forgotten. Observed() may still narrow the step after it.
  void RebaseAcquire(const ContinuationMark& mark, ObjectId lock);
  // Whether continuations are digested (stateful search): callers skip computing a value for
  // Observed/AlsoObserved otherwise.
  bool observing() const { return state_model_ != nullptr; }
  // A scheduling point that is enabled only when `b` lets the actor proceed.
  PointAwaiter Block(const char* op, Footprint fp, const Blocker* b) { return {this, {op, fp, b}}; }
  // schedule() after prepare_to_wait on wait queue `wq`: returns once woken (or spuriously).
  // `cond` (optional) is the condition slept for; at quiescence, if it holds, the wake-up was lost.
  PointAwaiter Schedule(ObjectId wq, std::function<bool()> cond = nullptr);
  // Wakes a sleeping actor (used by wait queues); no-op if already woken.
  void Wake(ActorId a);
  void ClearWoken(ActorId a);

  // Non-scheduling nondeterminism: a value in [0, n) chosen by the strategy.
  int Choose(int n, const char* label);
  // Fault injection, per actor as the kernel's fail-nth is per task: each actor spawned from
  // now on may see up to `n` allocations fail (a model parameter; 0 after Reset()).
  void SetAllocFailures(int n) { alloc_failures_ = n; }
  // An allocation the current actor makes: whether it fails, a choice (labelled with the
  // allocation) while the actor's budget lasts; false, and no choice, once it is spent.
  bool FailAlloc(const char* label);
  // Allocation failures injected in this execution so far (errors they cause are excused).
  int alloc_failures_injected() const { return alloc_failures_injected_; }

  struct FailAwaiter {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept {}
  };
  // Records a violation; the actor never resumes (co_await the result).
  FailAwaiter Fail(ViolationKind kind, std::string key, std::string message);
  // Records a violation (first one wins); the execution stops after the current step.
  void Report(ViolationKind kind, std::string key, std::string message);
  // Names a world object the violation about to be reported is about (Violation::objects):
  // call it just before the failing check returns or Report() is called. Cleared before every
  // invariant check runs, so a check that names objects and then holds leaves nothing behind.
  void Involve(std::string object) { involved_.push_back(std::move(object)); }

  // Ends the execution as unfair (an adversarial schedule starving an actor, e.g. a fault
  // retried forever because another thread keeps zapping): not a violation, not complete.
  void AbandonUnfair(std::string why);
  // Power failure: every other actor stops where it is and never runs again (its held locks
  // and frames are dropped with the execution). The caller goes on (to run recovery checks).
  void KillOthers();

  ActorId self_id() const { return current_; }
  Actor& self() { return *actors_[current_]; }
  // Pushes a kernel-style function name on the actor's operation stack until the guard dies.
  [[nodiscard]] FuncGuard Enter(const char* func);
  // might_sleep(): reports sleeping in atomic context.
  void MightSleep(const char* what);
  // lock_acquire() as lockdep does it, before the lock is taken (so an inversion is reported
  // whether or not this schedule goes on to deadlock). Call when the actor asks for the lock.
  void LockdepAcquire(const char* lock_class);
  // The lock is now held (for lock-misuse, sleep-in-atomic and the next lockdep checks).
  void NoteAcquire(ObjectId lock, const char* lock_class, bool spin);
  void NoteRelease(ObjectId lock);
  void PreemptDisable() { self().preempt_count_++; }
  void PreemptEnable() { self().preempt_count_--; }
  // Appends a trace event to the current step (only kept with options.trace).
  void Emit(std::string text);
  // Model coverage (options.coverage): a point named by `what` (an event, a kernel function's
  // branch) and a detail (a return code, a result). coverage() holds this execution's points
  // (hashes of the names' text, so they do not depend on where the binary is loaded) and, per
  // step, the innermost function with the step's label.
  bool covering() const { return options_.coverage; }
  void Cover(const char* what, uint64_t detail = 0);
  const std::vector<uint64_t>& coverage() const { return coverage_; }
  // Oracle tallies (options.tally): counts an oracle adds during an execution, such as the
  // results it checked by operation; the explorer sums them over the executions it counts.
  bool tallying() const { return options_.tally; }
  void Tally(std::string key, int64_t n = 1);
  const std::vector<std::pair<std::string, int64_t>>& tallies() const { return tallies_; }
  bool tracing() const { return options_.trace; }

  // Operation stack of every live actor, one per line (for reports).
  std::string ActorStacks() const;

 private:
  struct Object {  // a range of `count` ids starting at `first`: name[0..count-1]
    ObjectId first;
    uint32_t count;
    const char* name;
    int index_base;  // name[index_base + (id - first)]; -1: not indexed (a single object)
  };
  struct Invariant {
    std::string name;
    Check check;
    bool every_step;
    uint64_t reads;
  };
  class SleepBlocker : public Blocker {
   public:
    bool CanProceed(const Actor& a) const override { return a.woken_; }
    std::string Describe(const Sim& sim) const override { return "wake-up"; }
  };

  void Suspend(std::coroutine_handle<> h, const PendingOp& op) {
    Actor& a = *actor_ptrs_[static_cast<size_t>(current_)];
    a.resume_ = h;
    a.pending_ = op;
  }
  void ComputeEnabled();
  void CheckEnablednessRule();
  void ExecuteStep(ActorId a);
  void OnQuiescence();
  void CheckInvariants(bool end);
  uint64_t StepVisibility();
  int LockClassIndex(const char* lock_class);
  bool LockClassReaches(int from, int to) const;
  std::string DescribeWaitFor() const;
  void DestroyActors();

  uint64_t StepIdentity(const Actor& a) const;
  uint64_t Observation(const Actor& a) const;
  uint64_t LockdepDigest() const;

  SimOptions options_;
  friend class RetryLoop;
  friend class CallSummary;
  // Forgetting history (stateful search; RetryLoop, CallSummary): the running actor's mark, and
  // its reset to it; no-ops without a StateModel. A reset digests the mark, the tag, the current
  // step's observation (RetryLoop) or the ambient state (CallSummary), and the protected state of
  // every lock taken since the mark and still held (its acquisition's observation is forgotten with
  // the rest).
  void ResetContinuation(const ContinuationMark& mark, uint64_t tag, bool with_observation);

  const StateModel* state_model_ = nullptr;
  std::vector<int> sym_class_;             // SetSymmetry(); empty: none
  mutable std::vector<ActorId> canon_;     // set only while Key() digests the world
  mutable std::vector<ActorId> key_perm_;  // the last Key()'s permutation
  uint64_t ActorSignature(const Actor& a) const;
  void CanonicalPermutation(const std::vector<uint64_t>& sigs) const;  // sets key_perm_

  std::vector<Object> objects_;  // sorted by first id
  ObjectId next_object_ = 1;
  std::vector<std::unique_ptr<Actor>> actors_;
  std::vector<Invariant> invariants_;
  bool has_step_invariants_ = false;
  ChangeProbe change_probe_;
  uint64_t visible_all_ = 0;
  Strategy* strategy_ = nullptr;
  ActorId current_ = kNoActor;
  ActorId last_actor_ = kNoActor;
  std::vector<ActorId> enabled_;
  std::vector<Actor*> actor_ptrs_;  // hot-path view of actors_
  bool last_enabled_ = false;       // last_actor_ is enabled at this decision point
  std::vector<uint8_t> enabled_before_, enabled_now_;  // for the enabledness-rule CHECK
  int64_t step_count_ = 0;
  int preemptions_ = 0;
  int context_switches_ = 0;
  int spurious_left_ = 0;
  int alloc_failures_ = 0;           // per actor spawned (SetAllocFailures)
  int alloc_failures_injected_ = 0;  // FailAlloc() said yes this many times
  std::vector<StepRecord> steps_;
  std::vector<uint64_t> coverage_;
  std::vector<std::pair<std::string, int64_t>> tallies_;
  std::vector<Decision> decisions_;
  std::vector<TraceEvent> trace_;
  std::vector<std::vector<const char*>> step_stacks_;  // options.trace
  std::vector<Handoff> handoffs_;                      // options.trace
  Violation violation_;
  std::vector<std::string> involved_;  // Involve(), until the next Report()
  bool completed_ = false;
  bool abandoned_ = false;
  bool unfair_ = false;
  SleepBlocker sleep_blocker_;
  // lockdep: classes by name, edges as adjacency lists
  std::vector<std::string_view> lock_classes_;
  std::vector<std::vector<int>> lock_edges_;
  mutable uint64_t lockdep_digest_ = 0;  // LockdepDigest(), cached until an edge is added
  mutable bool lockdep_digest_valid_ = false;
};

// Fails the actor (kAssertion) when `cond` is false. Use inside actor coroutines only.
#define DAXSIM_ASSERT(sim, cond, msg)                                                  \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      co_await (sim).Fail(::daxsim::sim::ViolationKind::kAssertion, (msg),             \
                          std::string("assertion failed: ") + (msg) + " (" #cond ")"); \
    }                                                                                  \
  } while (0)

}  // namespace daxsim::sim
