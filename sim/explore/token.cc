#include "sim/explore/token.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace daxsim::sim {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(const std::string& in) {
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

bool UnBase64Url(const std::string& in, std::string* out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(kB64, c);
    if (c == '\0' || p == nullptr) return false;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

// Labels and names are stored with '|', ',' and newlines escaped.
std::string Escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '%' || c == '|' || c == ',' || c == ';' || c == '\n') {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", static_cast<unsigned char>(c));
      o += buf;
    } else {
      o += c;
    }
  }
  return o;
}

std::string Unescape(const std::string& s) {
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      o += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      o += s[i];
    }
  }
  return o;
}

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

// One line whatever the token held: control and non-ASCII bytes quoted from it print as \xNN
// (found by tools/fuzz/token_fuzzer.cc: a newline in the format prefix split the message).
absl::Status Bad(const std::string& why) {
  std::string line = "bad replay token: ";
  for (unsigned char c : why) {
    if (c >= 0x20 && c < 0x7f) {
      line += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      line += hex;
    }
  }
  return absl::InvalidArgumentError(line);
}

}  // namespace

uint64_t Fnv1a64(const std::string& s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Token MakeToken(const std::string& target, const std::string& params, const SimOptions& options,
                const std::vector<Decision>& decisions) {
  Token t;
  t.target = target;
  t.params = params;
  t.steps_max = options.steps_max;
  t.spurious_wakeups = options.spurious_wakeups;
  t.fault_retries_max = options.fault_retries_max;
  for (const Decision& d : decisions) t.decisions.push_back({d.kind, d.value, d.n, d.label});
  return t;
}

// Text: version|target|params|steps_max|spurious|label;label;...|decisions[|r<retries>]
// The last field only when fault_retries_max is not 16 (so older tokens read as 16).
// decisions: comma-separated "s<actor>.<label>" or "c<value>/<n>.<label>", with "*<count>" for
// runs of identical entries.
std::string EncodeToken(const Token& t) {
  std::map<std::string, int> label_ids;
  std::vector<std::string> labels;
  auto id_of = [&](const std::string& l) {
    auto [it, inserted] = label_ids.emplace(l, static_cast<int>(labels.size()));
    if (inserted) labels.push_back(l);
    return it->second;
  };
  std::vector<std::string> items;
  for (const TokenDecision& d : t.decisions) {
    std::string item = d.kind == Decision::kStep
                           ? absl::StrCat("s", d.value, ".", id_of(d.label))
                           : absl::StrCat("c", d.value, "/", d.n, ".", id_of(d.label));
    items.push_back(std::move(item));
  }
  std::string decisions;
  for (size_t i = 0; i < items.size();) {
    size_t r = i + 1;
    while (r < items.size() && items[r] == items[i]) r++;
    if (!decisions.empty()) decisions += ",";
    decisions += items[i];
    if (r - i > 1) absl::StrAppend(&decisions, "*", r - i);
    i = r;
  }
  std::string label_text;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) label_text += ";";
    label_text += Escape(labels[i]);
  }
  const std::string body =
      absl::StrCat(t.version, "|", Escape(t.target), "|", Escape(t.params), "|", t.steps_max, "|",
                   t.spurious_wakeups, "|", label_text, "|", decisions);
  const std::string text = t.fault_retries_max == SimOptions{}.fault_retries_max
                               ? body
                               : absl::StrCat(body, "|r", t.fault_retries_max);
  char sum[17];
  std::snprintf(sum, sizeof(sum), "%08x", static_cast<unsigned>(Fnv1a64(text) & 0xffffffffu));
  return "dx1_" + Base64Url(text) + "_" + sum;
}

absl::StatusOr<Token> DecodeToken(const std::string& raw) {
  if (raw.rfind("dx", 0) != 0) return Bad("does not start with 'dx'");
  const size_t us = raw.find('_');
  if (us == std::string::npos) return Bad("missing '_' after the format prefix");
  if (raw.substr(0, us) != "dx1") {
    return Bad("format '" + raw.substr(0, us) + "' is not supported (this daxsim reads dx1)");
  }
  const size_t last = raw.rfind('_');
  if (last == us || raw.size() - last - 1 != 8) return Bad("missing checksum");
  std::string text;
  if (!UnBase64Url(raw.substr(us + 1, last - us - 1), &text)) return Bad("invalid characters");
  char sum[17];
  std::snprintf(sum, sizeof(sum), "%08x", static_cast<unsigned>(Fnv1a64(text) & 0xffffffffu));
  if (raw.substr(last + 1) != sum) return Bad("checksum mismatch (truncated or edited?)");
  std::vector<std::string> f = absl::StrSplit(text, '|');
  if (f.size() != 7 && f.size() != 8) return Bad("expected 7 or 8 fields");
  int64_t retries = SimOptions{}.fault_retries_max;
  if (f.size() == 8 && (f[7].size() < 2 || f[7][0] != 'r' || !ParseInt(f[7].substr(1), &retries) ||
                        retries < 0 || retries > 1000000)) {
    return Bad("bad fault retry bound '" + f[7] + "'");
  }
  Token t;
  int64_t v = 0;
  if (!ParseInt(f[0], &v) || v != kTokenVersion) return Bad("unsupported version " + f[0]);
  t.version = static_cast<int>(v);
  t.target = Unescape(f[1]);
  t.params = Unescape(f[2]);
  if (!ParseInt(f[3], &t.steps_max) || t.steps_max <= 0) return Bad("bad steps_max");
  int64_t spurious = 0;
  if (!ParseInt(f[4], &spurious) || spurious < 0 || spurious > 1000)
    return Bad("bad spurious count");
  t.spurious_wakeups = static_cast<int>(spurious);
  t.fault_retries_max = static_cast<int>(retries);
  std::vector<std::string> labels;
  if (!f[5].empty()) {
    for (const auto& l : absl::StrSplit(f[5], ';')) labels.push_back(Unescape(std::string(l)));
  }
  if (f[6].empty()) return t;
  for (const auto& piece : absl::StrSplit(f[6], ',')) {
    std::string item(piece);
    int64_t repeat = 1;
    if (const size_t star = item.find('*'); star != std::string::npos) {
      if (!ParseInt(item.substr(star + 1), &repeat) || repeat < 1 || repeat > 100000000) {
        return Bad("bad repeat count in '" + item + "'");
      }
      item = item.substr(0, star);
    }
    const size_t dot = item.find('.');
    int64_t label = 0;
    if (item.size() < 2 || dot == std::string::npos || !ParseInt(item.substr(dot + 1), &label) ||
        label < 0 || label >= static_cast<int64_t>(labels.size())) {
      return Bad("bad decision '" + item + "'");
    }
    TokenDecision d{Decision::kStep, 0, 0, labels[static_cast<size_t>(label)]};
    const std::string body = item.substr(1, dot - 1);
    int64_t a = 0, n = 0;
    if (item[0] == 's') {
      if (!ParseInt(body, &a) || a < 0 || a > 1000000) return Bad("bad actor in '" + item + "'");
    } else if (item[0] == 'c') {
      const size_t slash = body.find('/');
      if (slash == std::string::npos || !ParseInt(body.substr(0, slash), &a) ||
          !ParseInt(body.substr(slash + 1), &n) || n < 2 || a < 0 || a >= n) {
        return Bad("bad choice in '" + item + "'");
      }
      d.kind = Decision::kChoice;
    } else {
      return Bad("bad decision '" + item + "'");
    }
    d.value = static_cast<int32_t>(a);
    d.n = static_cast<int32_t>(n);
    for (int64_t r = 0; r < repeat; ++r) t.decisions.push_back(d);
  }
  return t;
}

}  // namespace daxsim::sim
