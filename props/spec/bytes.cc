#include "props/spec/bytes.h"

#include <algorithm>

namespace daxsim::props::spec {

void Bytes::Split(uint64_t at) {
  auto it = runs_.upper_bound(at);
  if (it == runs_.begin()) return;
  --it;
  if (it->first < at && it->second.end > at) {
    const Run tail{it->second.end, it->second.value};
    it->second.end = at;
    runs_.emplace(at, tail);
  }
}

uint64_t Bytes::Hash(uint64_t h) const {
  for (const auto& [start, run] : runs_) {
    for (uint64_t v : {start, run.end, uint64_t{run.value}}) h = (h ^ v) * 0x100000001b3ULL;
  }
  return h;
}

void Bytes::Fill(uint64_t lo, uint64_t hi, uint16_t value) {
  if (lo >= hi) return;
  Split(lo);
  Split(hi);
  runs_.erase(runs_.lower_bound(lo), runs_.lower_bound(hi));
  if (value != 0) runs_.emplace(lo, Run{hi, value});
}

void Bytes::Set(uint64_t lo, const std::vector<uint8_t>& data) {
  for (size_t i = 0; i < data.size();) {
    size_t j = i + 1;
    while (j < data.size() && data[j] == data[i]) ++j;
    Fill(lo + i, lo + j, data[i]);
    i = j;
  }
}

std::vector<uint16_t> Bytes::Get(uint64_t lo, uint64_t hi) const {
  std::vector<uint16_t> out(hi > lo ? hi - lo : 0, 0);
  auto it = runs_.upper_bound(lo);
  if (it != runs_.begin()) --it;
  for (; it != runs_.end() && it->first < hi; ++it) {
    const uint64_t a = std::max(lo, it->first), b = std::min(hi, it->second.end);
    for (uint64_t x = a; x < b; ++x) out[x - lo] = it->second.value;
  }
  return out;
}

bool Bytes::Match(uint64_t lo, const std::vector<uint8_t>& got) {
  const std::vector<uint16_t> have = Get(lo, lo + got.size());
  bool unknown = false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (have[i] == kUnknown) {
      unknown = true;
    } else if (have[i] != got[i]) {
      return false;
    }
  }
  if (!unknown) return true;
  for (size_t i = 0; i < got.size(); ++i) {
    if (have[i] == kUnknown) Fill(lo + i, lo + i + 1, got[i]);
  }
  return true;
}

void Bytes::CopyFrom(const Bytes& from, uint64_t lo, uint64_t hi) {
  Fill(lo, hi, 0);
  auto it = from.runs_.upper_bound(lo);
  if (it != from.runs_.begin()) --it;
  for (; it != from.runs_.end() && it->first < hi; ++it) {
    const uint64_t a = std::max(lo, it->first), b = std::min(hi, it->second.end);
    if (a < b) Fill(a, b, it->second.value);
  }
}

}  // namespace daxsim::props::spec
