// Where a 6.1 xas_for_each_marked() walk leaves xas.xa_index when it ends: the value the
// kernel's dax_writeback_range_done tracepoint prints (fs/dax.c dax_writeback_mapping_range()).
// That index is not "last processed index + 1": it depends on the XArray's node shape (the
// search that returns NULL stops at a chunk boundary of whichever node it was in). This is a
// leaf library (std only): it builds the node tree 6.1 would hold for a set of entries and runs a
// transliteration of xas_find_marked() / xas_next_marked() over it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace daxsim::vm {

// One entry of the XArray. index = first index covered (aligned to 1 << order); order is 0 or 9
// (PMD_ORDER); marked = the entry carries the mark the walk searches for (PAGECACHE_TAG_TOWRITE
// in dax_writeback_mapping_range()). Entries must not overlap.
struct XaEntryDesc {
  uint64_t index;
  unsigned order;
  bool marked;
};

// Where xas.xa_index ends after 6.1's
//   XA_STATE(xas, xa, start); xas_for_each_marked(&xas, entry, max, mark) { body }
// given the XArray's entries at the moment the final search runs (each with whether it carries
// `mark`), and the last entry the loop body handled (`resume`: its index, as the loop saw it, i.e.
// the first index of a PMD entry; the body leaves the xa_state at the node holding that entry, as
// dax_writeback_one()'s xas_reset()+xas_store(), or get_unlocked_entry()'s xas_find_conflict(),
// do), or std::nullopt if the first xas_find_marked() found nothing (then `start` is where it
// began; with a resume, `start` is not used).
// If no entry covers `resume` any more, the state is where 6.1's xas_load() walk for `resume`
// leaves it: at the deepest existing node on the path to it (xa_offset = the slot on the path),
// or xa_node = NULL (empty array, resume == 0), or XAS_BOUNDS (resume outside the array's range).
// If the search finds further marked entries, the loop runs again with a body that changes
// nothing (the state stays where the search left it), until a search returns NULL.
// Not modelled: xas_pause() (6.1 calls it after every XA_CHECK_SCHED = 4096th entry; if that was
// the last entry, the final search restarts from the top at the index after it and may end
// elsewhere), and leaving the loop by `break` (an error in the body: no final search at all).
// Invalid input (order not 0 or 9, misaligned, overlapping) is a caller bug: prints and aborts.
uint64_t XasMarkedWalkEnd(const std::vector<XaEntryDesc>& entries, uint64_t start, uint64_t max,
                          std::optional<uint64_t> resume);

}  // namespace daxsim::vm
