// Task<T>: the coroutine type actors are written in. A Task is lazy (starts suspended), is
// awaited by its caller with symmetric transfer, and owns its frame. Nested kernel-style calls
// are `co_await f(...)`; a scheduling point anywhere in the chain suspends the whole actor.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace daxsim::sim {

namespace task_internal {

struct PromiseBase {
  std::coroutine_handle<> continuation = std::noop_coroutine();

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept {
      return h.promise().continuation;
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { std::terminate(); }
};

// How a coroutine hands back its result: a value, or nothing for Task<void>.
template <typename T>
struct ResultSlot {
  std::optional<T> value;
  template <typename U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T Take() { return std::move(*value); }
};
template <>
struct ResultSlot<void> {
  void return_void() noexcept {}
  void Take() noexcept {}
};

}  // namespace task_internal

template <typename T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : task_internal::PromiseBase, task_internal::ResultSlot<T> {
    Task get_return_object() noexcept {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
    h_.promise().continuation = caller;
    return h_;
  }
  T await_resume() { return h_.promise().Take(); }

  Handle handle() const { return h_; }
  bool done() const { return h_ && h_.done(); }

 private:
  Handle h_;
};

}  // namespace daxsim::sim
