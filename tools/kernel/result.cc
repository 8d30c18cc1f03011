// Record lines of a kernel result. Grammar (after the prefix; names never contain blanks):
//   W NAME                                  a workload begins
//   S STATUS WHY...                         unsupported / error, with a one-line reason
//   O ACTOR OP LINE WHAT ADDR DATA          ADDR hex, DATA run-length bytes or "-"
//   L ACTOR OP FILE EXTENTS                 ACTOR "-" for setup; EXTENTS "lo:phys:len:flags,..."
//                                           in hex, or "-" for none
//   Z FILE SIZE                             i_size at the end
//   T TEXT...                               one fs_dax trace line
//   E                                       the workload ended
#include "tools/kernel/result.h"

#include <cinttypes>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace daxsim::kernel {
namespace {

std::string Line(absl::string_view body) { return absl::StrCat(kRecordPrefix, body, "\n"); }

std::string EncodeExtents(const std::vector<Extent>& extents) {
  if (extents.empty()) return "-";
  std::string out;
  for (const Extent& e : extents) {
    absl::StrAppendFormat(&out, "%s%x:%x:%x:%x", out.empty() ? "" : ",", e.logical, e.physical,
                          e.length, e.flags);
  }
  return out;
}

bool ParseHex(absl::string_view s, uint64_t* v) { return absl::SimpleHexAtoi(s, v); }

absl::Status Malformed(int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("kernel records line ", line, ": ", why));
}

absl::Status DecodeOp(const std::vector<absl::string_view>& w, int line, WorkloadResult* r) {
  OpResult o;
  if (w.size() != 7 || !absl::SimpleAtoi(w[2], &o.op) || !absl::SimpleAtoi(w[3], &o.line) ||
      !ParseHex(w[5], &o.addr)) {
    return Malformed(line, "bad O record");
  }
  o.actor = std::string(w[1]);
  o.what = std::string(w[4]);
  o.data = w[6] == "-" ? "" : std::string(w[6]);
  r->ops.push_back(std::move(o));
  return absl::OkStatus();
}

absl::Status DecodeLayout(const std::vector<absl::string_view>& w, int line, WorkloadResult* r) {
  Layout l;
  if (w.size() != 5 || !absl::SimpleAtoi(w[2], &l.op)) return Malformed(line, "bad L record");
  l.actor = w[1] == "-" ? "" : std::string(w[1]);
  l.file = std::string(w[3]);
  if (w[4] != "-") {
    for (absl::string_view e : absl::StrSplit(w[4], ',')) {
      std::vector<absl::string_view> f = absl::StrSplit(e, ':');
      Extent x;
      uint64_t flags = 0;
      if (f.size() != 4 || !ParseHex(f[0], &x.logical) || !ParseHex(f[1], &x.physical) ||
          !ParseHex(f[2], &x.length) || !ParseHex(f[3], &flags)) {
        return Malformed(line, "bad extent");
      }
      x.flags = static_cast<uint32_t>(flags);
      l.extents.push_back(x);
    }
  }
  r->layouts.push_back(std::move(l));
  return absl::OkStatus();
}

// One record into the open result `r`.
absl::Status DecodeRecord(absl::string_view body, int line, WorkloadResult* r) {
  const absl::string_view kind = body.substr(0, 1);
  const absl::string_view rest = body.size() > 2 ? body.substr(2) : absl::string_view();
  std::vector<absl::string_view> w = absl::StrSplit(body, ' ');
  if (kind == "S") {
    std::vector<absl::string_view> p = absl::StrSplit(rest, absl::MaxSplits(' ', 1));
    r->status = std::string(p[0]);
    r->why = p.size() > 1 ? std::string(p[1]) : "";
    return absl::OkStatus();
  }
  if (kind == "O") return DecodeOp(w, line, r);
  if (kind == "L") return DecodeLayout(w, line, r);
  if (kind == "Z") {
    uint64_t size = 0;
    if (w.size() != 3 || !absl::SimpleAtoi(w[2], &size)) return Malformed(line, "bad Z record");
    r->sizes.emplace_back(std::string(w[1]), size);
    return absl::OkStatus();
  }
  if (kind == "T") {
    r->trace.emplace_back(rest);
    return absl::OkStatus();
  }
  return Malformed(line, absl::StrCat("unknown record '", kind, "'"));
}

}  // namespace

std::string EncodeBytes(const uint8_t* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && bytes[j] == bytes[i]) ++j;
    absl::StrAppendFormat(&out, "%s0x%02x*%d", out.empty() ? "" : ",", bytes[i], j - i);
    i = j;
  }
  return out;
}

std::string EncodeBegin(absl::string_view workload) { return Line(absl::StrCat("W ", workload)); }

std::string EncodeRecords(const WorkloadResult& r) {
  return EncodeBegin(r.workload) + EncodeBody(r);
}

std::string EncodeBody(const WorkloadResult& r) {
  std::string out;
  if (r.status != "ok") out += Line(absl::StrCat("S ", r.status, " ", r.why));
  for (const OpResult& o : r.ops) {
    out += Line(absl::StrFormat("O %s %d %d %s %x %s", o.actor, o.op, o.line, o.what, o.addr,
                                o.data.empty() ? "-" : o.data));
  }
  for (const Layout& l : r.layouts) {
    out += Line(absl::StrFormat("L %s %d %s %s", l.actor.empty() ? "-" : l.actor, l.op, l.file,
                                EncodeExtents(l.extents)));
  }
  for (const auto& [file, size] : r.sizes) out += Line(absl::StrCat("Z ", file, " ", size));
  for (const std::string& t : r.trace) out += Line(absl::StrCat("T ", t));
  return out + Line("E");
}

absl::StatusOr<std::vector<WorkloadResult>> DecodeRecords(absl::string_view text) {
  std::vector<WorkloadResult> out;
  bool open = false;
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++n;
    absl::ConsumeSuffix(&line, "\r");
    // The prefix may follow other console output on the same line.
    const size_t at = line.find(kRecordPrefix);
    if (at == absl::string_view::npos) continue;
    const absl::string_view body = line.substr(at + kRecordPrefix.size());
    if (body.empty()) return Malformed(n, "empty record");
    if (body[0] == 'W') {
      if (open) {
        out.back().status = "error";
        out.back().why = "the runner stopped before the end of the workload";
      }
      out.emplace_back();
      out.back().workload = std::string(body.size() > 2 ? body.substr(2) : "");
      open = true;
    } else if (body == "E") {
      if (!open) return Malformed(n, "end record outside a workload");
      open = false;
    } else {
      if (!open) return Malformed(n, "record outside a workload");
      absl::Status s = DecodeRecord(body, n, &out.back());
      if (!s.ok()) return s;
    }
  }
  if (open) {
    out.back().status = "error";
    out.back().why = "the runner stopped before the end of the workload";
  }
  return out;
}

}  // namespace daxsim::kernel
