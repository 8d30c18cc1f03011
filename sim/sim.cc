#include "sim/sim.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "sim/check.h"

namespace daxsim::sim {

Sim::Sim(SimOptions options) : options_(options), spurious_left_(options.spurious_wakeups) {}

Sim::~Sim() { DestroyActors(); }

void Sim::DestroyActors() {
  // Frames first: FuncGuards in them pop stacks of actors that must still exist.
  for (auto& a : actors_) a->top_ = Task<void>();
  actors_.clear();
  actor_ptrs_.clear();
}

void Sim::Reset(const SimOptions& options) {
  DestroyActors();
  options_ = options;
  objects_.clear();
  next_object_ = 1;
  invariants_.clear();
  has_step_invariants_ = false;
  change_probe_ = nullptr;
  visible_all_ = 0;
  strategy_ = nullptr;
  current_ = kNoActor;
  last_actor_ = kNoActor;
  enabled_.clear();
  step_count_ = 0;
  coverage_.clear();
  tallies_.clear();
  preemptions_ = 0;
  context_switches_ = 0;
  spurious_left_ = options.spurious_wakeups;
  alloc_failures_ = 0;
  alloc_failures_injected_ = 0;
  steps_.clear();
  decisions_.clear();
  trace_.clear();
  step_stacks_.clear();
  handoffs_.clear();
  violation_ = Violation();
  involved_.clear();
  completed_ = false;
  abandoned_ = false;
  unfair_ = false;
  sym_class_.clear();
  lock_classes_.clear();
  lock_edges_.clear();
  lockdep_digest_valid_ = false;
  state_model_ = nullptr;
}

ObjectId Sim::NewObject(const char* name, int index) {
  const ObjectId id = next_object_++;
  objects_.push_back({id, 1, name, index < 0 ? -1 : index});
  return id;
}

ObjectId Sim::NewObjects(const char* name, int count) {
  DAXSIM_CHECK(count >= 1);
  const ObjectId first = next_object_;
  next_object_ += static_cast<ObjectId>(count);
  objects_.push_back({first, static_cast<uint32_t>(count), name, 0});
  return first;
}

std::string Sim::ObjectName(ObjectId id) const {
  if (id == kNoObject) return "none";
  // Ranges are appended in increasing order of their last id; find the one holding `id`.
  auto it = std::lower_bound(objects_.begin(), objects_.end(), id,
                             [](const Object& o, ObjectId v) { return o.first + o.count <= v; });
  if (it == objects_.end() || id < it->first) return "?";
  if (it->index_base < 0) return it->name;
  return std::string(it->name) + "[" +
         std::to_string(it->index_base + static_cast<int64_t>(id - it->first)) + "]";
}

ActorId Sim::Spawn(std::string name, Task<void> body) {
  auto a = std::make_unique<Actor>();
  a->name_ = std::move(name);
  a->id_ = static_cast<ActorId>(actors_.size());
  a->continuation_ = MixString(0x5eed, a->name_);
  a->alloc_failures_left_ = alloc_failures_;
  a->resume_ = body.handle();
  a->top_ = std::move(body);
  actor_ptrs_.push_back(a.get());
  actors_.push_back(std::move(a));
  Actor& actor = *actors_.back();
  // Prime: run the actor's local prologue up to its first scheduling point.
  const ActorId saved = current_;
  current_ = actor.id_;
  actor.resume_.resume();
  current_ = saved;
  if (actor.top_.done()) actor.done_ = true;
  return actor.id_;
}

void Sim::AddInvariant(std::string name, Check check, bool every_step, uint64_t reads) {
  has_step_invariants_ |= every_step;
  if (every_step) {
    size_t k = 0;
    for (const Invariant& inv : invariants_) k += inv.every_step ? 1 : 0;
    visible_all_ |= uint64_t{1} << (k % 64);
  }
  invariants_.push_back({std::move(name), std::move(check), every_step, reads});
}

// The every-step invariants (bit k: the k-th, mod 64) whose read classes the step just run
// changed, as the change probe saw it (all of them without a probe).
uint64_t Sim::StepVisibility() {
  const uint64_t changed = change_probe_ ? change_probe_() : ~uint64_t{0};
  uint64_t visible = 0;
  size_t k = 0;
  for (const Invariant& inv : invariants_) {
    if (!inv.every_step) continue;
    if ((changed & inv.reads) != 0) visible |= uint64_t{1} << (k % 64);
    ++k;
  }
  return visible;
}

bool Sim::IsEnabled(ActorId a) const {
  return std::find(enabled_.begin(), enabled_.end(), a) != enabled_.end();
}

Sim::PointAwaiter Sim::Schedule(ObjectId wq, std::function<bool()> cond) {
  Actor& a = self();
  if (a.preempt_count_ > 0) MightSleep("schedule");
  if (spurious_left_ > 0 && !a.woken_ && Choose(2, "spurious wakeup") == 1) {
    spurious_left_--;
    a.woken_ = true;
  }
  a.sleep_cond_ = std::move(cond);
  return {this, {"schedule", {wq, Access::kWait}, &sleep_blocker_}};
}

void Sim::AbandonUnfair(std::string why) {
  abandoned_ = true;
  unfair_ = true;
  Emit("abandoned as unfair: " + why);
}

void Sim::KillOthers() {
  for (Actor* a : actor_ptrs_) {
    if (a->id_ == current_ || a->done_) continue;
    a->done_ = true;
    a->killed_ = true;
    a->held_.clear();
  }
}

ContinuationMark Sim::Mark() const {
  if (state_model_ == nullptr || current_ == kNoActor) return {};
  const Actor& a = *actors_[current_];
  return {a.continuation_, a.acquisitions_};
}

void Sim::ResetContinuation(const ContinuationMark& mark, uint64_t tag, bool with_observation) {
  if (state_model_ == nullptr || current_ == kNoActor) return;
  Actor& a = *actors_[current_];
  uint64_t h = Mix(Mix(mark.continuation, 0x4e7a7), tag);
  h = Mix(h, with_observation ? a.observation_ : state_model_->AmbientDigest());
  for (const HeldLock& l : a.held_) {
    if (l.seq > mark.acquisitions) h = Mix(Mix(h, l.lock), state_model_->ObjectDigest(l.lock));
  }
  a.continuation_ = h;
  a.step_reset_ = true;
}

CallSummary::CallSummary(Sim* sim, uint64_t tag) : sim_(sim), tag_(tag), mark_(sim->Mark()) {}

void CallSummary::Returned(uint64_t result) {
  sim_->ResetContinuation(mark_, Mix(Mix(tag_, 0xca11ee), result), /*with_observation=*/false);
}

void CallSummary::LoopHead(uint64_t carried) {
  sim_->ResetContinuation(mark_, Mix(Mix(tag_, 0x100b), carried), /*with_observation=*/false);
}

void RetryLoop::Head(uint64_t iteration) {
  if (!entered_) {
    entered_ = true;
    mark_ = sim_->Mark();
  }
  sim_->ResetContinuation(mark_, Mix(tag_, iteration), /*with_observation=*/true);
}

void Sim::Wake(ActorId a) {
  Actor& w = *actors_[a];
  if (options_.trace && !w.woken_ && current_ != kNoActor && current_ != a) {
    handoffs_.push_back({Handoff::kWake, step_count_ - 1, current_, a, kNoObject});
  }
  w.woken_ = true;
}
void Sim::ClearWoken(ActorId a) { actors_[a]->woken_ = false; }

int Sim::Choose(int n, const char* label) {
  DAXSIM_CHECK(n >= 1 && strategy_ != nullptr);
  if (n == 1) return 0;
  const int v = strategy_->PickChoice(*this, n, label);
  DAXSIM_CHECK(v >= 0 && v < n);
  if (state_model_ != nullptr && current_ != kNoActor) {
    Actor& a = *actors_[current_];
    a.continuation_ = Mix(Mix(a.continuation_, 0xc401ce), static_cast<uint64_t>(v));
    a.step_reset_ = true;
    a.observation_ = Mix(Mix(a.observation_, 0xc401ce), static_cast<uint64_t>(v));
  }
  if (options_.record_decisions) decisions_.push_back({Decision::kChoice, v, n, label});
  return v;
}

bool Sim::FailAlloc(const char* label) {
  DAXSIM_CHECK(current_ != kNoActor);
  Actor& a = *actors_[current_];
  if (a.alloc_failures_left_ == 0 || Choose(2, label) == 0) return false;
  a.alloc_failures_left_--;
  alloc_failures_injected_++;
  return true;
}

void Sim::Report(ViolationKind kind, std::string key, std::string message) {
  if (violation_.found()) return;
  violation_.kind = kind;
  violation_.key = std::move(key);
  violation_.message = std::move(message);
  violation_.step = step_count_ - 1;
  violation_.objects = std::move(involved_);
  involved_.clear();
}

Sim::FailAwaiter Sim::Fail(ViolationKind kind, std::string key, std::string message) {
  Report(kind, std::move(key), std::move(message));
  return {};
}

FuncGuard Sim::Enter(const char* func) {
  Actor& a = self();
  a.func_stack_.push_back(func);
  return FuncGuard(&a);
}

void Sim::MightSleep(const char* what) {
  const Actor& a = self();
  if (a.preempt_count_ <= 0) return;
  std::string held;
  for (const HeldLock& h : a.held_) {
    if (h.spin) held += std::string(held.empty() ? "" : ", ") + h.lock_class;
  }
  Report(ViolationKind::kSleepInAtomic, what,
         "BUG: sleeping function called from invalid context: " + a.name_ + " calls " + what +
             " with preempt_count " + std::to_string(a.preempt_count_) +
             (held.empty() ? "" : " holding spinlock(s) " + held));
}

void Sim::NoteAcquire(ObjectId lock, const char* lock_class, bool spin) {
  Actor& a = self();
  a.held_.push_back({lock, lock_class, spin, ++a.acquisitions_});
  if (spin) a.preempt_count_++;
  if (options_.trace)
    handoffs_.push_back({Handoff::kAcquire, step_count_ - 1, a.id_, kNoActor, lock});
}

void Sim::NoteRelease(ObjectId lock) {
  Actor& a = self();
  for (size_t i = a.held_.size(); i-- > 0;) {
    if (a.held_[i].lock == lock) {
      if (a.held_[i].spin) a.preempt_count_--;
      a.held_.erase(a.held_.begin() + static_cast<std::ptrdiff_t>(i));
      if (options_.trace) {
        handoffs_.push_back({Handoff::kRelease, step_count_ - 1, a.id_, kNoActor, lock});
      }
      return;
    }
  }
  Report(ViolationKind::kLockMisuse, "release of a lock not held",
         a.name_ + " releases " + ObjectName(lock) + " which it does not hold");
}

int Sim::LockClassIndex(const char* lock_class) {
  const std::string_view c(lock_class);
  for (size_t i = 0; i < lock_classes_.size(); ++i) {
    if (lock_classes_[i] == c) return static_cast<int>(i);
  }
  lock_classes_.push_back(c);
  lock_edges_.emplace_back();
  return static_cast<int>(lock_classes_.size() - 1);
}

bool Sim::LockClassReaches(int from, int to) const {
  std::vector<uint8_t> seen(lock_classes_.size(), 0);
  std::vector<int> stack = {from};
  while (!stack.empty()) {
    const int c = stack.back();
    stack.pop_back();
    if (c == to) return true;
    if (seen[c]) continue;
    seen[c] = 1;
    for (int n : lock_edges_[c]) stack.push_back(n);
  }
  return false;
}

void Sim::LockdepAcquire(const char* lock_class) {
  if (!options_.lockdep) return;
  const Actor& a = self();
  const int next = LockClassIndex(lock_class);
  for (const HeldLock& h : a.held_) {
    const int prev = LockClassIndex(h.lock_class);
    if (prev == next) {
      Report(ViolationKind::kLockOrder, std::string("recursive ") + lock_class,
             "WARNING: possible recursive locking detected: " + a.name_ + " acquires " +
                 lock_class + " while holding a lock of the same class");
      return;
    }
    if (LockClassReaches(next, prev)) {
      const std::string_view x = lock_classes_[prev], y = lock_classes_[next];
      std::string key = std::string(std::min(x, y)) + " <-> " + std::string(std::max(x, y));
      Report(ViolationKind::kLockOrder, key,
             "WARNING: possible circular locking dependency detected: " + a.name_ + " acquires " +
                 std::string(y) + " while holding " + std::string(x) +
                 ", but an earlier acquisition took " + std::string(x) + " after " +
                 std::string(y));
      return;
    }
    std::vector<int>& edges = lock_edges_[prev];
    if (std::find(edges.begin(), edges.end(), next) == edges.end()) {
      edges.push_back(next);
      lockdep_digest_valid_ = false;
    }
  }
}

void Sim::Tally(std::string key, int64_t n) {
  if (options_.tally) tallies_.emplace_back(std::move(key), n);
}

void Sim::Cover(const char* what, uint64_t detail) {
  if (!options_.coverage) return;
  coverage_.push_back(Mix(MixString(0xc0e, what), detail));
}

void Sim::Emit(std::string text) {
  if (!options_.trace) return;
  trace_.push_back({step_count_ - 1, current_, std::move(text)});
}

void Sim::ComputeEnabled() {
  enabled_.clear();
  last_enabled_ = false;
  for (const Actor* ap : actor_ptrs_) {
    const Actor& a = *ap;
    if (a.done_) continue;
    if (a.pending_.blocker == nullptr || a.pending_.blocker->CanProceed(a)) {
      enabled_.push_back(a.id_);
      last_enabled_ |= a.id_ == last_actor_;
    }
  }
}

// Only a dependent step on an actor's pending object may flip its enabledness (DPOR relies on
// it). Compares with the previous decision point, reusing two buffers (no allocation per step).
void Sim::CheckEnablednessRule() {
  enabled_now_.assign(actors_.size(), 0);
  for (ActorId e : enabled_) enabled_now_[e] = 1;
  if (step_count_ > 0) {
    const StepRecord& last = steps_.back();
    for (size_t i = 0; i < actors_.size() && i < enabled_before_.size(); ++i) {
      if (static_cast<ActorId>(i) == last.actor || actors_[i]->done_) continue;
      if (enabled_now_[i] == enabled_before_[i]) continue;
      const Footprint fp = actors_[i]->pending_.fp;
      const bool same = Names(last.fp, fp.object) || Names(last.fp, fp.object2);
      if (same && Dependent(last.fp, fp)) continue;
      const std::string what =
          std::string("enabledness of ") + actors_[i]->name() + " at '" + actors_[i]->pending_.op +
          "' changed by a step on another object: " + actors_[last.actor]->name() + "'s '" +
          last.op + "' in " + last.func;
      DAXSIM_CHECK_MSG(false, what.c_str());
    }
  }
  enabled_before_.swap(enabled_now_);
}

void Sim::Run(Strategy& strategy) {
  strategy_ = &strategy;
  const bool check_rule = options_.record_steps;
  while (!violation_.found()) {
    ComputeEnabled();
    if (check_rule) CheckEnablednessRule();
    if (enabled_.empty()) {
      OnQuiescence();
      break;
    }
    if (step_count_ >= options_.steps_max) {
      Report(ViolationKind::kStepBudget, "steps_max",
             "step budget of " + std::to_string(options_.steps_max) +
                 " steps exceeded (livelock or unbounded loop)\n" + ActorStacks());
      break;
    }
    const ActorId a = strategy.PickActor(*this);
    if (a == kNoActor) {
      abandoned_ = true;
      break;
    }
    ExecuteStep(a);
    if (abandoned_) break;
    if (has_step_invariants_ && !violation_.found()) CheckInvariants(false);
  }
  if (completed_ && !violation_.found()) CheckInvariants(true);
  if (violation_.found()) completed_ = false;
  strategy_ = nullptr;
}

void Sim::ExecuteStep(ActorId id) {
  Actor& a = *actor_ptrs_[id];
  DAXSIM_CHECK(!a.done_);
  if (last_actor_ != kNoActor && id != last_actor_) {
    context_switches_++;
    if (last_enabled_) preemptions_++;
  }
  if (options_.record_decisions) decisions_.push_back({Decision::kStep, id, 0, a.pending_.op});
  if (options_.record_steps) {
    const char* func = a.func_stack_.empty() ? "" : a.func_stack_.back();
    steps_.push_back({id, a.pending_.op, func, a.pending_.fp});
  }
  if (options_.coverage) {
    const char* func = a.func_stack_.empty() ? "" : a.func_stack_.back();
    coverage_.push_back(MixString(MixString(0x5e9, func), a.pending_.op));
  }
  if (options_.trace) {
    std::string text = a.pending_.op;
    if (a.pending_.fp.object != kNoObject) {
      text += std::string(" ") + ObjectName(a.pending_.fp.object);
    }
    trace_.push_back({step_count_, id, std::move(text), true});
    if (options_.record_steps) step_stacks_.push_back(a.func_stack_);
  }
  if (state_model_ != nullptr) {
    a.step_identity_ = StepIdentity(a);
    a.step_base_ = a.continuation_;
    a.step_reset_ = false;
    a.observation_ = Observation(a);
    a.continuation_ = Mix(a.continuation_, a.observation_);
  }
  step_count_++;
  last_actor_ = id;
  current_ = id;
  a.pending_ = PendingOp{"running", {}, nullptr};
  a.resume_.resume();
  current_ = kNoActor;
  if (options_.record_steps && has_step_invariants_ && strategy_ != nullptr &&
      strategy_->UsesVisibility()) {
    steps_.back().visible = StepVisibility();
  }
  if (a.top_.done()) {
    a.done_ = true;
    a.pending_ = PendingOp{"exited", {}, nullptr};
    if (!a.held_.empty() && !violation_.found()) {
      Report(ViolationKind::kLockMisuse, std::string("exit holding ") + a.held_[0].lock_class,
             "WARNING: lock held when returning to user space: " + a.name_ + " exits holding " +
                 ObjectName(a.held_[0].lock) + " (" + a.held_[0].lock_class + ")");
    }
  }
}

void Sim::OnQuiescence() {
  bool all_done = true;
  for (const auto& a : actors_) all_done &= a->done_;
  if (all_done) {
    completed_ = true;
    return;
  }
  for (const auto& ap : actors_) {
    const Actor& a = *ap;
    if (a.done_ || a.pending_.blocker != &sleep_blocker_ || !a.sleep_cond_) continue;
    if (a.sleep_cond_()) {
      Report(
          ViolationKind::kLostWakeup,
          std::string("sleeping in ") + (a.func_stack_.empty() ? "schedule" : a.func_stack_.back()),
          "lost wake-up: " + a.name_ + " sleeps on " + ObjectName(a.pending_.fp.object) +
              " although the condition it waits for holds\n" + ActorStacks());
      return;
    }
  }
  Report(ViolationKind::kDeadlock, "deadlock", DescribeWaitFor() + ActorStacks());
}

std::string Sim::DescribeWaitFor() const {
  // Follow waiter -> lock owner edges from each blocked actor to find a cycle.
  const int n = num_actors();
  std::vector<std::vector<ActorId>> holders(n);
  for (const auto& ap : actors_) {
    if (!ap->done_ && ap->pending_.blocker) ap->pending_.blocker->Holders(&holders[ap->id_]);
  }
  std::string cycle;
  for (ActorId start = 0; start < n && cycle.empty(); ++start) {
    std::vector<ActorId> path = {start};
    std::vector<uint8_t> on_path(n, 0);
    on_path[start] = 1;
    while (!holders[path.back()].empty()) {
      const ActorId next = holders[path.back()][0];
      if (next == start) {
        cycle = "wait-for cycle:";
        for (ActorId p : path) {
          cycle += " " + actors_[p]->name_ + " -> (" +
                   actors_[p]->pending_.blocker->Describe(*this) + ") ->";
        }
        cycle += " " + actors_[start]->name_ + "\n";
        break;
      }
      if (on_path[next]) break;
      on_path[next] = 1;
      path.push_back(next);
    }
  }
  std::string s = "deadlock: every live actor is blocked\n" + cycle;
  for (const auto& ap : actors_) {
    if (ap->done_ || ap->pending_.blocker == nullptr) continue;
    s += "  " + ap->name_ + " waits in " + ap->pending_.op + " for " +
         ap->pending_.blocker->Describe(*this) + "\n";
  }
  return s;
}

std::string Sim::ActorStacks() const {
  std::string s;
  for (const auto& ap : actors_) {
    if (ap->done_) continue;
    s += "  " + ap->name_ + ": ";
    for (const char* f : ap->func_stack_) s += std::string(f) + " > ";
    s += ap->pending_.op;
    if (ap->pending_.fp.object != kNoObject) s += " " + ObjectName(ap->pending_.fp.object);
    s += "\n";
  }
  return s;
}

void Sim::CheckInvariants(bool end) {
  for (const Invariant& inv : invariants_) {
    if (!end && !inv.every_step) continue;
    involved_.clear();
    if (std::optional<std::string> msg = inv.check()) {
      // The message leads with the invariant's name (once: checks that name it already do).
      Report(ViolationKind::kInvariant, inv.name,
             msg->rfind(inv.name, 0) == 0 ? *msg : inv.name + ": " + *msg);
      return;
    }
  }
}

// The step `a` is about to run: its label, footprint and the ambient state (see StateModel).
uint64_t Sim::StepIdentity(const Actor& a) const {
  const Footprint& fp = a.pending_.fp;
  uint64_t h = MixString(0x0b5, a.pending_.op);
  h = Mix(Mix(h, fp.object), static_cast<uint64_t>(fp.access));
  h = Mix(Mix(h, fp.object2), static_cast<uint64_t>(fp.access2));
  return Mix(h, state_model_->AmbientDigest());
}

// What it can read: its identity and the digests of its footprint objects (see StateModel).
uint64_t Sim::Observation(const Actor& a) const {
  const Footprint& fp = a.pending_.fp;
  uint64_t h = a.step_identity_;
  // Returning from schedule() reads nothing of the wait queue (a sleeper re-checks its
  // condition in a later step).
  if (a.pending_.blocker == &sleep_blocker_) return h;
  for (ObjectId o : {fp.object, fp.object2}) {
    if (o == kAllObjects) {
      h = Mix(h, state_model_->WorldDigest());
    } else if (o != kNoObject) {
      h = Mix(h, state_model_->ObjectDigest(o));
    }
  }
  return h;
}

void Sim::RebaseAcquire(const ContinuationMark& mark, ObjectId lock) {
  if (state_model_ == nullptr || current_ == kNoActor) return;
  Actor& a = *actors_[current_];
  DAXSIM_CHECK_MSG(!a.step_reset_, "Sim::RebaseAcquire after a reset or a choice in the same step");
  a.step_base_ = mark.continuation;
  a.step_identity_ = Mix(Mix(0xac9, lock), state_model_->AmbientDigest());
  a.observation_ = Mix(a.step_identity_, state_model_->ObjectDigest(lock));
  a.continuation_ = Mix(a.step_base_, a.observation_);
}

void Sim::AlsoObserved(uint64_t value) {
  if (state_model_ == nullptr || current_ == kNoActor) return;
  Actor& a = *actors_[current_];
  a.observation_ = Mix(Mix(a.observation_, 0xa150), value);
  a.continuation_ = Mix(Mix(a.continuation_, 0xa150), value);
}

void Sim::Observed(uint64_t value) {
  if (state_model_ == nullptr || current_ == kNoActor) return;
  Actor& a = *actors_[current_];
  // Rebuilt from the step's start: a reset or a choice earlier in the step would be lost.
  DAXSIM_CHECK_MSG(!a.step_reset_, "Sim::Observed after a reset or a choice in the same step");
  a.observation_ = Mix(Mix(a.step_identity_, 0x0b5e), value);
  a.continuation_ = Mix(a.step_base_, a.observation_);
}

// The lock-class order graph as a sorted list of named edges (class indices depend on the order
// classes were first seen, which differs between paths to one state).
uint64_t Sim::LockdepDigest() const {
  if (lockdep_digest_valid_) return lockdep_digest_;
  std::vector<std::pair<std::string_view, std::string_view>> edges;
  for (size_t from = 0; from < lock_edges_.size(); ++from) {
    for (int to : lock_edges_[from]) edges.emplace_back(lock_classes_[from], lock_classes_[to]);
  }
  std::sort(edges.begin(), edges.end());
  uint64_t h = Mix(0x10c6, edges.size());
  for (const auto& [x, y] : edges) h = MixString(MixString(h, x), y);
  lockdep_digest_ = h;
  lockdep_digest_valid_ = true;
  return h;
}

StateKey Sim::Key(bool with_preemptions) const {
  DAXSIM_CHECK(state_model_ != nullptr);
  // Two chains over the same material under different seeds: a false match needs both.
  StateKey k{0x57a7e, 0x6b1d2c3};
  auto add = [&k](uint64_t v) {
    k.a = Mix(k.a, v);
    k.b = Mix(k.b ^ 0xd6e8feb86659fd93ULL, v);
  };
  std::vector<uint64_t> sigs;
  sigs.reserve(actor_ptrs_.size());
  for (const Actor* a : actor_ptrs_) sigs.push_back(ActorSignature(*a));
  CanonicalPermutation(sigs);
  canon_ = key_perm_;  // the world names actors canonically while it is digested
  add(state_model_->WorldDigest());
  canon_.clear();
  add(LockdepDigest());
  add(static_cast<uint64_t>(spurious_left_));
  if (with_preemptions) {
    add(static_cast<uint64_t>(preemptions_));
    add(static_cast<uint64_t>(static_cast<uint32_t>(
        last_actor_ < 0 ? last_actor_ : key_perm_[static_cast<size_t>(last_actor_)])));
  }
  std::vector<uint64_t> by_canon(sigs.size());
  for (size_t a = 0; a < sigs.size(); ++a) by_canon[static_cast<size_t>(key_perm_[a])] = sigs[a];
  for (uint64_t s : by_canon) add(s);
  return k;
}

// Everything of one actor a future step can depend on, but its name.
uint64_t Sim::ActorSignature(const Actor& a) const {
  uint64_t h = Mix(0x519, a.done_ ? 0 : a.continuation_);  // a finished actor has no future
  h = Mix(h, (a.done_ ? 1u : 0u) | (a.killed_ ? 2u : 0u) | (a.woken_ ? 4u : 0u));
  h = Mix(h, static_cast<uint64_t>(a.preempt_count_));
  h = Mix(h, static_cast<uint64_t>(a.alloc_failures_left_));
  h = MixString(h, a.pending_.op);
  h = Mix(Mix(h, a.pending_.fp.object), static_cast<uint64_t>(a.pending_.fp.access));
  h = Mix(Mix(h, a.pending_.fp.object2), static_cast<uint64_t>(a.pending_.fp.access2));
  h = Mix(h, a.held_.size());
  for (const HeldLock& l : a.held_) h = Mix(h, l.lock);
  return h;
}

// Within each symmetry class, the member with the r-th smallest signature (ties by id) takes
// the name of the r-th member by id.
void Sim::CanonicalPermutation(const std::vector<uint64_t>& sigs) const {
  const size_t n = sigs.size();
  key_perm_.resize(n);
  for (size_t a = 0; a < n; ++a) key_perm_[a] = static_cast<ActorId>(a);
  if (sym_class_.empty()) return;
  std::vector<ActorId> members, order;
  for (size_t a = 0; a < n && a < sym_class_.size(); ++a) {
    const int c = sym_class_[a];
    const auto first = sym_class_.begin() + static_cast<std::ptrdiff_t>(a);
    if (c < 0 || std::find(sym_class_.begin(), first, c) != first) {
      continue;  // no class, or its class was done at its first member
    }
    members.clear();
    for (size_t b = a; b < n && b < sym_class_.size(); ++b) {
      if (sym_class_[b] == c) members.push_back(static_cast<ActorId>(b));
    }
    order = members;
    std::sort(order.begin(), order.end(), [&sigs](ActorId x, ActorId y) {
      return std::tie(sigs[static_cast<size_t>(x)], x) < std::tie(sigs[static_cast<size_t>(y)], y);
    });
    for (size_t r = 0; r < order.size(); ++r) key_perm_[static_cast<size_t>(order[r])] = members[r];
  }
}

void Sim::SetSymmetry(std::vector<int> classes) {
  DAXSIM_CHECK_MSG(step_count_ == 0, "Sim::SetSymmetry after the first step");
  sym_class_ = std::move(classes);
  // Members of a class start alike: their histories are seeded by the class, not the name.
  for (size_t a = 0; a < actors_.size() && a < sym_class_.size(); ++a) {
    if (sym_class_[a] >= 0) {
      actors_[a]->continuation_ = Mix(0x5eed5, static_cast<uint64_t>(sym_class_[a]));
    }
  }
}

}  // namespace daxsim::sim
