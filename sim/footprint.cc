#include "sim/footprint.h"

namespace daxsim::sim {

const char* AccessName(Access a) {
  switch (a) {
    case Access::kNone:
      return "local";
    case Access::kRead:
      return "read";
    case Access::kWrite:
      return "write";
    case Access::kAcquire:
      return "acquire";
    case Access::kAcquireShared:
      return "acquire_shared";
    case Access::kRelease:
      return "release";
    case Access::kReleaseShared:
      return "release_shared";
    case Access::kWait:
      return "wait";
    case Access::kWake:
      return "wake";
  }
  return "?";
}

}  // namespace daxsim::sim
