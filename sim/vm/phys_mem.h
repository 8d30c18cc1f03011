// Physical memory as user accesses and kernel copies see it: device pages (the NVDIMM, through
// its CPU cache model), anonymous pages (COW copies, sparse), the shared zero page and the huge
// zero page; and struct page reference counts of device pages (a get_user_pages pin holds one:
// ZONE_DEVICE pages are idle at refcount 1). Each page has a footprint object.
// Scheduling points: none (callers declare PageObject() in their footprints).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "sim/nvdimm/pmem.h"
#include "sim/sim.h"
#include "sim/vm/vm.h"

namespace daxsim::vm {

class PhysMem {
 public:
  static constexpr int kAnonPagesMax = 4096;

  PhysMem(sim::Sim& sim, nvdimm::Pmem* pmem);

  nvdimm::Pmem& pmem() { return *pmem_; }
  bool IsDevicePfn(Pfn pfn) const { return pmem_->OwnsPfn(pfn); }
  // Footprint object of a page: device page, anonymous page, or kNoObject for the zero pages
  // (immutable).
  sim::ObjectId PageObject(Pfn pfn) const;

  // Byte accesses within one page. Returns false on a machine check (poison, bad block).
  bool Load(Pfn pfn, uint64_t offset, uint8_t* out, uint64_t len) const;
  void Store(Pfn pfn, uint64_t offset, const uint8_t* data, uint64_t len);
  // copy_user_highpage / copy_mc_to_kernel; false on a machine check reading `src` (poison, bad
  // block), `dst` then holds what could be read (zeroes past the error).
  bool CopyPage(Pfn dst, Pfn src);
  Pfn AllocAnon();         // a zeroed anonymous page
  void FreeAnon(Pfn pfn);  // drops the mapping's reference: freed now, or at the last unpin

  int page_ref_count(Pfn pfn) const;  // device pages: 1 + pins
  void get_page(Pfn pfn) { refs_[pfn]++; }
  void put_page(Pfn pfn);

  // Anonymous pages (content, liveness) and every page's references and
  // unmapped-while-pinned state; not the Pmem, which the world digests separately.
  uint64_t Digest() const;
  // "page" objects: the Pmem's PageDigest plus references; "anon": that page; false otherwise.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;

 private:
  uint64_t PfnDigest(Pfn pfn) const;  // one page's PhysMem-side state: references, anon content
  nvdimm::Pmem* pmem_;
  sim::ObjectId dev_first_;
  sim::ObjectId anon_first_;
  std::map<Pfn, std::vector<uint8_t>> anon_;  // live anonymous pages
  std::map<Pfn, int> refs_;                   // extra references (pins)
  std::set<Pfn> unmapped_anon_;               // anonymous pages zapped while pinned
};

}  // namespace daxsim::vm
