// The content of one file (or one private page) in the reference semantics: a run-length map
// of byte values over [0, 2^64), zero where nothing was written. A byte may also be *unknown*:
// the semantics allows any value there (e.g. the tail of the old EOF page after the file grows,
// which ext4 does not zero but xfs does); the first observation of an unknown byte fixes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace daxsim::props::spec {

inline constexpr uint16_t kUnknown = 0x100;

class Bytes {
 public:
  // Sets [lo, hi) to `value` (a byte, or kUnknown).
  void Fill(uint64_t lo, uint64_t hi, uint16_t value);
  // Sets [lo, lo + data.size()) to `data`.
  void Set(uint64_t lo, const std::vector<uint8_t>& data);
  // Whether [lo, lo + got.size()) may read as `got`; if so, fixes its unknown bytes to `got`.
  bool Match(uint64_t lo, const std::vector<uint8_t>& got);
  // The values of [lo, hi) (kUnknown where unknown).
  std::vector<uint16_t> Get(uint64_t lo, uint64_t hi) const;
  // Copies [lo, hi) of `from` to the same offsets here.
  void CopyFrom(const Bytes& from, uint64_t lo, uint64_t hi);
  bool AllZero() const { return runs_.empty(); }
  size_t runs() const { return runs_.size(); }  // (for memory estimates)
  uint64_t Hash(uint64_t h) const;              // mixes the runs into h
  friend bool operator==(const Bytes&, const Bytes&) = default;

 private:
  struct Run {
    uint64_t end;
    uint16_t value;
    friend bool operator==(const Run&, const Run&) = default;
  };
  void Split(uint64_t at);        // a run boundary at `at`
  std::map<uint64_t, Run> runs_;  // start -> run; zero bytes are not stored
};

}  // namespace daxsim::props::spec
