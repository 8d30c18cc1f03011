// CHECK macros for bugs in the simulator itself (not in the model): print and abort.
// Model bugs are Violations (violation.h); bad user input is absl::Status.
#pragma once

#include <cstdio>
#include <cstdlib>

#define DAXSIM_CHECK(cond)                                                                         \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "daxsim internal error: %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
                   #cond);                                                                         \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

#define DAXSIM_CHECK_MSG(cond, msg)                                                          \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "daxsim internal error: %s:%d: CHECK(%s) failed: %s\n", __FILE__, \
                   __LINE__, #cond, (msg));                                                  \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
