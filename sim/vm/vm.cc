#include "sim/vm/vm.h"

namespace daxsim::vm {

std::string VmFaultName(uint32_t r) {
  // Mirrors: include/linux/mm_types.h VM_FAULT_RESULT_TRACE (order as printed).
  static const struct {
    uint32_t bit;
    const char* name;
  } kNames[] = {{VM_FAULT_OOM, "OOM"},           {VM_FAULT_SIGBUS, "SIGBUS"},
                {VM_FAULT_MAJOR, "MAJOR"},       {VM_FAULT_HWPOISON, "HWPOISON"},
                {VM_FAULT_NOPAGE, "NOPAGE"},     {VM_FAULT_LOCKED, "LOCKED"},
                {VM_FAULT_RETRY, "RETRY"},       {VM_FAULT_FALLBACK, "FALLBACK"},
                {VM_FAULT_DONE_COW, "DONE_COW"}, {VM_FAULT_NEEDDSYNC, "NEEDDSYNC"}};
  std::string s;
  for (const auto& n : kNames) {
    if (r & n.bit) s += std::string(s.empty() ? "" : "|") + n.name;
  }
  return s.empty() ? "0x0" : s;
}

}  // namespace daxsim::vm
