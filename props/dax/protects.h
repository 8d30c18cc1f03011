// What each property of the DAX world protects, in a sentence a kernel developer can act on
// (`daxsim explain` prints it under the violation).
#pragma once

#include <string>

#include "sim/violation.h"

namespace daxsim::props {

// By the invariant the message leads with ("I1 ...", "durability: ...", "nrpages: ..."), else by
// the violation's kind; "" for no violation.
std::string Protects(const sim::Violation& v);

}  // namespace daxsim::props
