// The two Status macros Debian's Abseil 20220623 lacks: propagate an error Status, or unwrap a
// StatusOr into a new variable. For functions returning absl::Status or absl::StatusOr<T>.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DAXSIM_STATUS_CONCAT_INNER(a, b) a##b
#define DAXSIM_STATUS_CONCAT(a, b) DAXSIM_STATUS_CONCAT_INNER(a, b)

// Returns `expr` (an absl::Status) from the enclosing function if it is not OK.
#define DAXSIM_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    const ::absl::Status daxsim_status_ = (expr);    \
    if (!daxsim_status_.ok()) return daxsim_status_; \
  } while (0)

// `lhs = *expr` for an absl::StatusOr `expr`, or returns its error. `lhs` may declare a variable.
#define DAXSIM_ASSIGN_OR_RETURN(lhs, expr) \
  DAXSIM_ASSIGN_OR_RETURN_IMPL(DAXSIM_STATUS_CONCAT(daxsim_statusor_, __LINE__), lhs, expr)

#define DAXSIM_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return statusor.status();           \
  lhs = std::move(statusor).value()
