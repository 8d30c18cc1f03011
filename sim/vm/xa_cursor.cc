// A transliteration of 6.1's marked-entry search (lib/xarray.c, include/linux/xarray.h) over
// the node tree 6.1 would hold for a given entry set. One mark only (the one searched for);
// no XA_FREE_MARK tracking (the page cache is not an allocating XArray); no error states.
//
// Why the shape is a function of the entry set (so building it from the set is exact):
//  * Entry placement. xas_create() descends `while (shift > order)` with order = xa_shift
//    (0 for an order-0 entry, 6 for order 9), allocating the missing nodes, so an order-0 entry
//    sits in a shift-0 node and an order-9 entry in a shift-6 node, as the canonical slot
//    (index >> 6) & 63 followed by 7 sibling slots. The one exception: an order-0 entry at
//    index 0 stored into an empty array goes in xa_head (xas_expand() returns shift 0 and
//    xas_store() allows the root for a value entry).
//  * Interior nodes. A node exists iff some entry lies below it: xas_create() makes exactly the
//    nodes on the path to the entry; every store of NULL that empties a node ends in
//    update_node() -> xas_delete_node(), which frees it and walks up freeing parents that became
//    empty.
//  * Root height. xas_expand() grows the root only as far as needed for the stored range (for an
//    order-9 entry at 0 xas_max() gives 512, hence a shift-6 root). When a deletion leaves the
//    root with a single occupant in slot 0, xas_delete_node() ends in xas_shrink(), which
//    replaces the root by that child, repeatedly; it stops at a non-node entry in slot 0 of a
//    node with shift != 0 (an order-9 entry occupies 8 slots, so count != 1 stops it earlier),
//    and a shift-0 root holding only slot 0 becomes an xa_head entry again. A root of shift s
//    with count >= 2, or with its one occupant in a slot other than 0, has an entry at or above
//    64 << (s - 6), so s is needed. Hence the root shift is the least multiple of 6 with
//    (last index >> s) < 64 over all entries (with no node at all for a lone order-0 entry at 0).
//  * Marks. xas_set_mark() / xas_clear_mark() keep each node's mark bit for a slot equal to the
//    OR of the marks below it, and xa_marked() equal to the OR of the root's marks (or the head
//    entry's mark); multi-index entries carry marks on the canonical slot only
//    (xas_squash_marks(); xas_descend() resolves siblings before a mark is set).
// Where it is not canonical: a store that fails for lack of memory after xas_expand() or part of
// xas_create() has run can leave a taller root whose only occupant is slot 0, or empty interior
// nodes, until a later deletion in that subtree cleans up; we do not model that. (Node->offset
// of the root is stale in the kernel; it is only read just before the walk leaves the tree.)
#include "sim/vm/xa_cursor.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace daxsim::vm {
namespace {

constexpr unsigned kChunkShift = 6;                 // XA_CHUNK_SHIFT
constexpr unsigned kChunkSize = 1u << kChunkShift;  // XA_CHUNK_SIZE
constexpr uint64_t kChunkMask = kChunkSize - 1;     // XA_CHUNK_MASK
constexpr unsigned kPmdOrder = 9;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "XasMarkedWalkEnd: %s\n", what);
  std::abort();
}

struct Node;

// What an xa_node slot (or xa_head) holds: NULL, a value entry, a sibling entry, or a node.
struct Slot {
  enum Kind : uint8_t { kNull, kValue, kSibling, kNode };
  Kind kind = kNull;
  unsigned sibling = 0;  // kSibling: xa_to_sibling()
  Node* node = nullptr;  // kNode: xa_to_node()
};

// struct xa_node, with the one mark searched for.
struct Node {
  unsigned shift = 0;
  unsigned offset = 0;  // slot in the parent
  Node* parent = nullptr;
  std::array<Slot, kChunkSize> slots{};
  uint64_t marks = 0;  // node->marks[mark]
};

struct Xarray {
  Slot head;            // xa->xa_head
  bool marked = false;  // xa_marked(xa, mark)
  std::vector<std::unique_ptr<Node>> nodes;
};

// xas->xa_node: a node, NULL, XAS_BOUNDS or XAS_RESTART.
enum class Where { kNode, kNull, kBounds, kRestart };

struct XaState {
  const Xarray* xa;
  uint64_t xa_index;
  unsigned xa_offset = 0;
  Where where = Where::kRestart;  // XA_STATE() starts at XAS_RESTART
  Node* xa_node = nullptr;        // when where == kNode
};

// ---- Building the tree ----

uint64_t LastIndex(const XaEntryDesc& e) { return e.index + ((uint64_t{1} << e.order) - 1); }

void Validate(std::vector<XaEntryDesc> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const XaEntryDesc& a, const XaEntryDesc& b) { return a.index < b.index; });
  for (size_t i = 0; i < entries.size(); ++i) {
    const XaEntryDesc& e = entries[i];
    Require(e.order == 0 || e.order == kPmdOrder, "invalid entries: order must be 0 or 9");
    Require((e.index & ((uint64_t{1} << e.order) - 1)) == 0,
            "invalid entries: index not aligned to its order");
    Require(i == 0 || entries[i - 1].index != e.index, "invalid entries: two entries at one index");
    Require(i == 0 || LastIndex(entries[i - 1]) < e.index, "invalid entries: entries overlap");
  }
}

// The root's shift: the least multiple of 6 whose node covers every entry.
// Mirrors: xas_expand() growth and xas_shrink() (6.1 lib/xarray.c), see the file comment.
unsigned RootShift(const std::vector<XaEntryDesc>& entries) {
  uint64_t last = 0;
  for (const XaEntryDesc& e : entries) last = std::max(last, LastIndex(e));
  unsigned shift = 0;
  while ((last >> shift) >= kChunkSize) shift += kChunkShift;
  return shift;
}

// Mirrors: get_offset (6.1 lib/xarray.c)
unsigned GetOffset(uint64_t index, const Node* node) {
  return static_cast<unsigned>((index >> node->shift) & kChunkMask);
}

Node* NewNode(Xarray& xa, unsigned shift, Node* parent, unsigned offset) {
  xa.nodes.push_back(std::make_unique<Node>());
  Node* node = xa.nodes.back().get();
  node->shift = shift;
  node->parent = parent;
  node->offset = offset;
  return node;
}

// Mirrors: xas_set_mark (6.1 lib/xarray.c), from the entry's node up to xa_marked().
void SetMark(Xarray& xa, Node* node, unsigned offset) {
  while (node) {
    node->marks |= uint64_t{1} << offset;
    offset = node->offset;
    node = node->parent;
  }
  xa.marked = true;
}

// Mirrors: xas_create (descending, allocating missing nodes) then xas_store's slot filling
// (canonical slot + sibling entries) for one entry (6.1 lib/xarray.c).
void Insert(Xarray& xa, Node* root, const XaEntryDesc& e) {
  const unsigned entry_shift = e.order - e.order % kChunkShift;  // xa_shift of XA_STATE_ORDER
  Node* node = root;
  while (node->shift > entry_shift) {
    const unsigned offset = GetOffset(e.index, node);
    Slot& slot = node->slots[offset];
    Require(slot.kind == Slot::kNull || slot.kind == Slot::kNode, "entries overlap");
    if (slot.kind == Slot::kNull) {
      slot = {Slot::kNode, 0, NewNode(xa, node->shift - kChunkShift, node, offset)};
    }
    node = slot.node;
  }
  const unsigned canon = GetOffset(e.index, node);
  const unsigned sibs = (1u << (e.order % kChunkShift)) - 1;
  for (unsigned i = 0; i <= sibs; ++i) {
    Slot& slot = node->slots[canon + i];
    Require(slot.kind == Slot::kNull, "entries overlap");
    slot = i == 0 ? Slot{Slot::kValue, 0, nullptr} : Slot{Slot::kSibling, canon, nullptr};
  }
  if (e.marked) SetMark(xa, node, canon);
}

// The XArray 6.1 holds for `entries` (see the file comment for why it is this one).
void Build(Xarray& xa, const std::vector<XaEntryDesc>& entries) {
  Validate(entries);
  if (entries.empty()) return;
  if (entries.size() == 1 && entries[0].index == 0 && entries[0].order == 0) {
    xa.head = {Slot::kValue, 0, nullptr};
    xa.marked = entries[0].marked;
    return;
  }
  Node* root = NewNode(xa, RootShift(entries), nullptr, 0);
  xa.head = {Slot::kNode, 0, root};
  for (const XaEntryDesc& e : entries) Insert(xa, root, e);
}

// ---- xa_state helpers ----

// Mirrors: xas_not_node (6.1 include/linux/xarray.h): NULL, XAS_BOUNDS, XAS_RESTART (or error).
bool XasNotNode(const XaState& xas) { return xas.where != Where::kNode; }

// Mirrors: xas_top (6.1 include/linux/xarray.h): node <= XAS_RESTART, i.e. NULL/BOUNDS/RESTART.
bool XasTop(const XaState& xas) { return xas.where != Where::kNode; }

// Mirrors: set_bounds (6.1 lib/xarray.c)
Slot SetBounds(XaState& xas) {
  xas.where = Where::kBounds;
  return {};
}

// Mirrors: xas_set_offset (6.1 lib/xarray.c)
void XasSetOffset(XaState& xas) { xas.xa_offset = GetOffset(xas.xa_index, xas.xa_node); }

// Mirrors: xas_move_index (6.1 lib/xarray.c). Note ~XA_CHUNK_MASK << shift clears every bit
// below shift + 6, and offset << shift wraps at 2^64 exactly as unsigned long does.
void XasMoveIndex(XaState& xas, unsigned offset) {
  const unsigned shift = xas.xa_node->shift;
  xas.xa_index &= ~kChunkMask << shift;
  xas.xa_index += uint64_t{offset} << shift;
}

// Mirrors: max_index (6.1 lib/xarray.c): the largest index the head can hold without expanding.
uint64_t MaxIndex(const Slot& entry) {
  if (entry.kind != Slot::kNode) return 0;
  return (uint64_t{kChunkSize} << entry.node->shift) - 1;
}

// Mirrors: xas_find_chunk (6.1 include/linux/xarray.h), XA_CHUNK_SIZE == BITS_PER_LONG branch.
unsigned XasFindChunk(const XaState& xas, bool advance) {
  const uint64_t addr = xas.xa_node->marks;
  unsigned offset = xas.xa_offset;
  if (advance) offset++;
  if (offset < kChunkSize) {
    const uint64_t data = addr & (~uint64_t{0} << offset);
    if (data) return static_cast<unsigned>(std::countr_zero(data));  // __ffs
  }
  return kChunkSize;
}

// ---- Walking to the resumed entry ----

// Mirrors: xas_start (6.1 lib/xarray.c) for a state not yet walked (XAS_RESTART).
Slot XasStart(XaState& xas) {
  const Slot entry = xas.xa->head;
  if (entry.kind != Slot::kNode) {
    if (xas.xa_index) return SetBounds(xas);
  } else if ((xas.xa_index >> entry.node->shift) > kChunkMask) {
    return SetBounds(xas);
  }
  xas.where = Where::kNull;
  return entry;
}

// Mirrors: xas_descend (6.1 lib/xarray.c); a sibling resolves to its canonical slot.
Slot XasDescend(XaState& xas, Node* node) {
  unsigned offset = GetOffset(xas.xa_index, node);
  Slot entry = node->slots[offset];
  xas.where = Where::kNode;
  xas.xa_node = node;
  while (entry.kind == Slot::kSibling) {
    offset = entry.sibling;
    entry = node->slots[offset];
  }
  xas.xa_offset = offset;
  return entry;
}

// Mirrors: xas_load (6.1 lib/xarray.c) with xa_shift = 0. Where the loop body leaves the state:
// xas_reset()+xas_store() (xas_create() descends the same path) or xas_find_conflict() from the
// top (xas_start() then xas_descend() while the slot holds a node) end at the same node/offset.
void XasLoad(XaState& xas) {
  Slot entry = XasStart(xas);
  while (entry.kind == Slot::kNode) {
    Node* node = entry.node;
    entry = XasDescend(xas, node);
    if (node->shift == 0) break;
  }
}

// ---- The search ----

// The `max:` label of xas_find_marked (6.1 lib/xarray.c): restart state, index kept.
Slot GotoMax(XaState& xas) {
  xas.where = Where::kRestart;
  return {};
}

// The `out:` label of xas_find_marked (6.1 lib/xarray.c).
Slot GotoOut(XaState& xas, uint64_t max) {
  if (xas.xa_index > max) return GotoMax(xas);
  return SetBounds(xas);
}

// xas->xa_node = xa_parent(xas->xa, xas->xa_node); false when that is NULL.
bool XasToParent(XaState& xas) {
  xas.xa_node = xas.xa_node->parent;
  if (xas.xa_node) return true;
  xas.where = Where::kNull;
  return false;
}

// The main loop of xas_find_marked (6.1 lib/xarray.c), from `while (xas->xa_index <= max)`.
// (A NULL entry under a set mark would spin here as in the kernel; our marks never allow one.)
Slot XasFindMarkedLoop(XaState& xas, uint64_t max, bool advance) {
  while (xas.xa_index <= max) {
    if (xas.xa_offset == kChunkSize) {
      xas.xa_offset = xas.xa_node->offset + 1;
      if (!XasToParent(xas)) break;
      advance = false;
      continue;
    }
    if (!advance) {
      const Slot entry = xas.xa_node->slots[xas.xa_offset];
      if (entry.kind == Slot::kSibling) {
        xas.xa_offset = entry.sibling;
        XasMoveIndex(xas, xas.xa_offset);
      }
    }
    const unsigned offset = XasFindChunk(xas, advance);
    if (offset > xas.xa_offset) {
      advance = false;
      XasMoveIndex(xas, offset);
      if ((xas.xa_index - 1) >= max) return GotoMax(xas);  // Mind the wrap
      xas.xa_offset = offset;
      if (offset == kChunkSize) continue;
    }
    const Slot entry = xas.xa_node->slots[xas.xa_offset];
    if (entry.kind == Slot::kNull) continue;
    if (entry.kind != Slot::kNode) return entry;
    xas.xa_node = entry.node;
    XasSetOffset(xas);
  }
  return GotoOut(xas, max);
}

// Mirrors: xas_find_marked (6.1 lib/xarray.c). Returns the entry found (kNull: none).
Slot XasFindMarked(XaState& xas, uint64_t max) {
  bool advance = true;
  if (xas.xa_index > max) return GotoMax(xas);
  if (xas.where == Where::kNull) {
    xas.xa_index = 1;
    return GotoOut(xas, max);
  }
  if (XasTop(xas)) {
    advance = false;
    const Slot entry = xas.xa->head;
    xas.where = Where::kNull;
    if (xas.xa_index > MaxIndex(entry)) return GotoOut(xas, max);
    if (entry.kind != Slot::kNode) {
      if (xas.xa->marked) return entry;
      xas.xa_index = 1;
      return GotoOut(xas, max);
    }
    xas.where = Where::kNode;
    xas.xa_node = entry.node;
    xas.xa_offset = static_cast<unsigned>(xas.xa_index >> xas.xa_node->shift);
  }
  return XasFindMarkedLoop(xas, max, advance);
}

// Mirrors: xas_next_marked (6.1 include/linux/xarray.h)
Slot XasNextMarked(XaState& xas, uint64_t max) {
  if (XasNotNode(xas) || xas.xa_node->shift) return XasFindMarked(xas, max);
  const unsigned offset = XasFindChunk(xas, true);
  xas.xa_offset = offset;
  xas.xa_index = (xas.xa_index & ~kChunkMask) + offset;
  if (xas.xa_index > max) return {};
  if (offset == kChunkSize) return XasFindMarked(xas, max);
  const Slot entry = xas.xa_node->slots[offset];
  if (entry.kind == Slot::kNull) return XasFindMarked(xas, max);
  return entry;
}

}  // namespace

// Mirrors: xas_for_each_marked (6.1 include/linux/xarray.h), from the last body run on.
uint64_t XasMarkedWalkEnd(const std::vector<XaEntryDesc>& entries, uint64_t start, uint64_t max,
                          std::optional<uint64_t> resume) {
  Xarray xa;
  Build(xa, entries);
  XaState xas{&xa, start};  // XA_STATE(xas, xa, start)
  Slot entry;
  if (resume) {
    xas.xa_index = *resume;
    XasLoad(xas);  // where the body left the state
    entry = XasNextMarked(xas, max);
  } else {
    entry = XasFindMarked(xas, max);
  }
  // Each entry found lies above the previous one (or the search ends), so this terminates; the
  // bound only guards against a bug here.
  for (size_t found = 0; entry.kind != Slot::kNull; ++found) {
    Require(found <= entries.size(), "internal error: the walk does not terminate");
    entry = XasNextMarked(xas, max);
  }
  return xas.xa_index;
}

}  // namespace daxsim::vm
