// Digests for stateful exploration: a fixed 64-bit mixing function (splitmix64's finalizer), so
// a digest depends only on the values mixed in, in order, never on addresses or hash seeds.
// A world that supports state caching implements StateModel (sim.h) with these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace daxsim::sim {

inline uint64_t Mix(uint64_t h, uint64_t v) {
  uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t MixString(uint64_t h, std::string_view s) {
  h = Mix(h, s.size());
  for (char c : s) h = Mix(h, static_cast<unsigned char>(c));
  return h;
}

// Bytes [0, n) as little-endian words (the last one zero-padded), then the length.
inline uint64_t MixBytes(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t w = 0; w < n; w += 8) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && w + i < n; ++i) v |= static_cast<uint64_t>(p[w + i]) << (8 * i);
    h = Mix(h, v);
  }
  return Mix(h, n);
}

// A 128-bit key (two independently seeded 64-bit digests): a false match between two states
// that differ would need both to collide.
struct StateKey {
  uint64_t a = 0, b = 0;
  friend bool operator==(const StateKey&, const StateKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const StateKey& k) {
    return H::combine(std::move(h), k.a, k.b);
  }
};

}  // namespace daxsim::sim
