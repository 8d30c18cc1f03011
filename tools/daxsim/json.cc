// JSON serialisation for --json output (see json.h).
#include "tools/daxsim/json.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace daxsim::cli {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void JsonObject::Key(std::string_view key) {
  if (body_.size() > 1) body_ += ",";
  AppendJsonString(&body_, key);
  body_ += ":";
}

JsonObject& JsonObject::Add(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(&body_, value);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(&body_, value);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, uint64_t value) {
  Key(key);
  absl::StrAppend(&body_, value);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, double value) {
  Key(key);
  if (!std::isfinite(value)) {
    body_ += "null";
    return *this;
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.10g", value);
  body_ += buf;
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, bool value) {
  Key(key);
  body_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, const std::optional<std::string>& value) {
  if (!value) return AddNull(key);
  return Add(key, std::string_view(*value));
}

JsonObject& JsonObject::Add(std::string_view key, const std::optional<int64_t>& value) {
  if (!value) return AddNull(key);
  return Add(key, *value);
}

JsonObject& JsonObject::AddNull(std::string_view key) {
  Key(key);
  body_ += "null";
  return *this;
}

JsonObject& JsonObject::AddRaw(std::string_view key, std::string_view json) {
  Key(key);
  body_ += json;
  return *this;
}

JsonArray& JsonArray::AddRaw(std::string_view json) {
  if (body_.size() > 1) body_ += ",";
  body_ += json;
  return *this;
}

namespace {

// The counts in [begin, end) whose names all start with `prefix`, as one object.
std::string NestedRange(std::map<std::string, int64_t>::const_iterator begin,
                        std::map<std::string, int64_t>::const_iterator end, size_t prefix) {
  JsonObject j;
  for (auto it = begin; it != end;) {
    const std::string_view rest = std::string_view(it->first).substr(prefix);
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) {
      j.Add(rest, it->second);
      ++it;
      continue;
    }
    const std::string head(rest.substr(0, dot + 1));
    auto last = it;
    while (last != end && std::string_view(last->first).substr(prefix).starts_with(head)) ++last;
    j.AddRaw(head.substr(0, dot), NestedRange(it, last, prefix + dot + 1));
    it = last;
  }
  return j.str();
}

}  // namespace

std::string NestedCountsJson(const std::map<std::string, int64_t>& counts) {
  return NestedRange(counts.begin(), counts.end(), 0);
}

}  // namespace daxsim::cli
