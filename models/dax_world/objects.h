// The DAX world's objects as `daxsim explain` names them, and their state in words. The checks
// name the objects a violation is about with these keys (Sim::Involve); explain diffs
// DescribeObjects() after every step to find the step, actor and function that last changed
// each one. Keys:
//   "pte MM 0xADDR" / "pmd MM 0xADDR"  a user page-table entry (a huge PMD at its 2 MiB address)
//   "entry FILE[INDEX]"                 the file's DAX (XArray) entry at INDEX (a PMD entry at its
//                                       aligned index)
//   "block N"                           a device block: whose file page it is (absent: free)
//   "i_size FILE"                       the file's size
//   "pins block N"                      GUP pins held on the block's page
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/dax_world/world.h"

namespace daxsim::models {

std::string PteKey(const std::string& mm, uint64_t addr, bool pmd);
std::string EntryKey(const std::string& file, uint64_t index);
std::string BlockKey(uint64_t block);
std::string SizeKey(const std::string& file);
std::string PinsKey(uint64_t block);

// The key of the entry that covers page `index` of the inode (its slot's first index; `index`
// itself when there is none).
std::string EntryKeyAt(fs::Inode& inode, uint64_t index);

// Every object of the world that exists now, key -> state in words. Objects not listed are in
// their null state (no PTE, no entry, a free block, no pins).
std::map<std::string, std::string> DescribeObjects(DaxWorld& w);

}  // namespace daxsim::models
