// Minimal JSON output for --json: one object per line, keys in insertion order (never from a
// hash map), strings escaped per RFC 8259, non-finite doubles written as null.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace daxsim::cli {

// Appends `s` as a quoted, escaped JSON string.
void AppendJsonString(std::string* out, std::string_view s);

class JsonObject {
 public:
  JsonObject& Add(std::string_view key, std::string_view value);
  JsonObject& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  JsonObject& Add(std::string_view key, const std::string& value) {
    return Add(key, std::string_view(value));
  }
  JsonObject& Add(std::string_view key, int64_t value);
  JsonObject& Add(std::string_view key, int value) { return Add(key, static_cast<int64_t>(value)); }
  JsonObject& Add(std::string_view key, uint64_t value);
  JsonObject& Add(std::string_view key, double value);
  JsonObject& Add(std::string_view key, bool value);
  // Null when absent.
  JsonObject& Add(std::string_view key, const std::optional<std::string>& value);
  JsonObject& Add(std::string_view key, const std::optional<int64_t>& value);
  JsonObject& AddNull(std::string_view key);
  // `json` must already be valid JSON (a nested object or array).
  JsonObject& AddRaw(std::string_view key, std::string_view json);

  // The object: "{...}" on one line.
  std::string str() const { return body_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string body_ = "{";
};

// "[a,b,...]" from already-serialised elements.
class JsonArray {
 public:
  JsonArray& AddRaw(std::string_view json);
  std::string str() const { return body_ + "]"; }

 private:
  std::string body_ = "[";
};

// Counts with dotted names as nested objects: {"a.b": 1, "a.c": 2, "d": 3} gives
// {"a":{"b":1,"c":2},"d":3} (the explorer's oracle tallies, sim::ExploreResult::tallies). A
// name that is both a count and a prefix keeps the count under "".
std::string NestedCountsJson(const std::map<std::string, int64_t>& counts);

}  // namespace daxsim::cli
