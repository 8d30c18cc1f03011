// DAX entries as the XArray holds them (XArray era, v4.20+): a value `pfn << DAX_SHIFT | flags`
// with LOCKED, PMD, ZERO_PAGE and EMPTY flags. The entry lock is the LOCKED bit itself.
// Mirrors: fs/dax.c dax_make_entry(), dax_to_pfn(), dax_is_locked(), dax_is_pmd_entry(),
// dax_is_pte_entry(), dax_is_zero_entry(), dax_is_empty_entry(), dax_entry_order() (6.1).
#pragma once

#include <cstdint>
#include <string>

#include "sim/vm/vm.h"

namespace daxsim::dax {

inline constexpr unsigned DAX_SHIFT = 4;
inline constexpr uint64_t DAX_LOCKED = 1 << 0;
inline constexpr uint64_t DAX_PMD = 1 << 1;
inline constexpr uint64_t DAX_ZERO_PAGE = 1 << 2;
inline constexpr uint64_t DAX_EMPTY = 1 << 3;

inline uint64_t dax_make_entry(vm::Pfn pfn, uint64_t flags) { return (pfn << DAX_SHIFT) | flags; }
inline vm::Pfn dax_to_pfn(uint64_t e) { return e >> DAX_SHIFT; }
inline bool dax_is_locked(uint64_t e) { return e & DAX_LOCKED; }
inline bool dax_is_pmd_entry(uint64_t e) { return e & DAX_PMD; }
inline bool dax_is_pte_entry(uint64_t e) { return !(e & DAX_PMD); }
inline bool dax_is_zero_entry(uint64_t e) { return e & DAX_ZERO_PAGE; }
inline bool dax_is_empty_entry(uint64_t e) { return e & DAX_EMPTY; }
inline unsigned dax_entry_order(uint64_t e) { return dax_is_pmd_entry(e) ? vm::PMD_ORDER : 0; }
// The raw XArray pointer the fs_dax tracepoints print: xa_mk_value(v) = v << 1 | 1.
inline uint64_t dax_radix_entry(uint64_t e) { return ((e & ~DAX_LOCKED) << 1) | 1; }

std::string DescribeEntry(uint64_t e);

}  // namespace daxsim::dax
