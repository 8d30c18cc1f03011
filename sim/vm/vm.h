// Constants and result codes of the simulated VM, with the kernel's names: page and PMD sizes,
// vm_fault_t bits (include/linux/mm_types.h), fault flags (include/linux/mm_types.h
// enum fault_flag), and the pfn spaces: the shared zero page, the huge zero page, anonymous
// pages (COW copies) and device pages (the NVDIMM's pfns).
#pragma once

#include <cstdint>
#include <string>

namespace daxsim::vm {

inline constexpr uint64_t PAGE_SHIFT = 12;
inline constexpr uint64_t PAGE_SIZE = 4096;
inline constexpr uint64_t PMD_SHIFT = 21;
inline constexpr uint64_t PMD_SIZE = uint64_t{1} << PMD_SHIFT;
inline constexpr uint64_t PMD_MASK = ~(PMD_SIZE - 1);
inline constexpr uint64_t PTRS_PER_PMD = 512;  // pages per PMD
inline constexpr unsigned PMD_ORDER = 9;

using Pfn = uint64_t;

// An inclusive range of page indexes (virtual page numbers or file pages).
struct IndexRange {
  uint64_t first = 0, last = 0;
};
inline constexpr Pfn kZeroPfn = 0x10;              // ZERO_PAGE(0)
inline constexpr Pfn kHugeZeroPfn = 0x200;         // the huge zero page (PMD aligned)
inline constexpr Pfn kAnonPfnBase = Pfn{1} << 32;  // anonymous pages (COW copies)

inline bool IsZeroPfn(Pfn pfn) {
  return pfn == kZeroPfn || (pfn >= kHugeZeroPfn && pfn < kHugeZeroPfn + PTRS_PER_PMD);
}
inline bool IsAnonPfn(Pfn pfn) { return pfn >= kAnonPfnBase; }

// vm_fault_t
inline constexpr uint32_t VM_FAULT_OOM = 0x000001;
inline constexpr uint32_t VM_FAULT_SIGBUS = 0x000002;
inline constexpr uint32_t VM_FAULT_MAJOR = 0x000004;
inline constexpr uint32_t VM_FAULT_HWPOISON = 0x000010;
inline constexpr uint32_t VM_FAULT_NOPAGE = 0x000100;
inline constexpr uint32_t VM_FAULT_LOCKED = 0x000200;
inline constexpr uint32_t VM_FAULT_RETRY = 0x000400;
inline constexpr uint32_t VM_FAULT_FALLBACK = 0x000800;
inline constexpr uint32_t VM_FAULT_DONE_COW = 0x001000;
inline constexpr uint32_t VM_FAULT_NEEDDSYNC = 0x002000;
inline constexpr uint32_t VM_FAULT_ERROR = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_HWPOISON;

// enum fault_flag
inline constexpr uint32_t FAULT_FLAG_WRITE = 0x01;
inline constexpr uint32_t FAULT_FLAG_MKWRITE = 0x02;
inline constexpr uint32_t FAULT_FLAG_ALLOW_RETRY = 0x04;
inline constexpr uint32_t FAULT_FLAG_KILLABLE = 0x10;
inline constexpr uint32_t FAULT_FLAG_USER = 0x40;
inline constexpr uint32_t FAULT_FLAG_INTERRUPTIBLE = 0x200;
// What x86's do_user_addr_fault() starts from (FAULT_FLAG_DEFAULT), and adds for a fault in user
// mode; 6.1 faultin_page() (get_user_pages with `locked`) passes ALLOW_RETRY|KILLABLE only.
inline constexpr uint32_t FAULT_FLAG_DEFAULT =
    FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_INTERRUPTIBLE;
inline constexpr uint32_t kUserFaultFlags = FAULT_FLAG_DEFAULT | FAULT_FLAG_USER;
inline constexpr uint32_t kGupFaultFlags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
// gup_flags (include/linux/mm.h, 6.1), the ones the model's get_user_pages reads.
inline constexpr uint32_t FOLL_WRITE = 0x01;        // the page will be written: pte_write needed
inline constexpr uint32_t FOLL_GET = 0x04;          // a page reference (put_page)
inline constexpr uint32_t FOLL_LONGTERM = 0x10000;  // held indefinitely (io_uring, RDMA)
inline constexpr uint32_t FOLL_PIN = 0x40000;       // a pin (unpin_user_page)
// 6.1 handle_pte_fault(): vmf->orig_pte was read (the PMD points to a PTE table). Not in
// FAULT_FLAG_TRACE, so fs_dax prints it as "0x800".
inline constexpr uint32_t FAULT_FLAG_ORIG_PTE_VALID = 0x800;

// The kernel's VM_FAULT_RESULT_TRACE spelling, e.g. "NOPAGE|DONE_COW" (for traces).
std::string VmFaultName(uint32_t result);

}  // namespace daxsim::vm
