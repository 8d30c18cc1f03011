// The proposed ->populate_pfns interface: on a miss in the mapping's entry tree, DAX asks the
// filesystem to populate the tree with the PFNs around a file page. A block filesystem looks up
// (or allocates) its extent and hands it to dax_create_pfns(), which does the direct access; a
// filesystem without a block device finds its PFNs its own way and inserts them with
// dax_insert_pfns(). Either way the entries are inserted under the entry lock protocol.
#pragma once

#include <cstdint>

#include "sim/dax/iomap.h"
#include "sim/sim.h"

namespace daxsim::dax {

struct PopulateResult {
  int err = 0;  // -errno: the fault fails (SIGBUS/OOM); -EINVAL for a PMD: fall back
  // A read found a hole and inserted nothing (only with the bug switch that skips
  // dax_insert_hole): DAX maps the zero page on the empty entry it grabs next.
  bool hole = false;
};

class PopulatePfnsOps {
 public:
  virtual ~PopulatePfnsOps() = default;
  // a_ops->populate_pfns(mapping, index, nr_pages, write): nr_pages is 1 or PTRS_PER_PMD.
  virtual sim::Task<PopulateResult> PopulatePfns(DaxInode& inode, uint64_t index, uint64_t nr_pages,
                                                 bool write) = 0;
  // The inode's metadata is not yet durable (MAP_SYNC faults must sync it first).
  virtual bool MetadataDirty(DaxInode& inode) = 0;
};

}  // namespace daxsim::dax
