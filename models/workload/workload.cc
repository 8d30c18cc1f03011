// The workload AST's helpers (op names, equality, setup prefix) and loading a workload file.
#include "models/workload/workload.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "models/workload/text_internal.h"

namespace daxsim::models::workload {

std::string_view OpName(OpCode code) { return text_internal::SyntaxOf(code).name; }

Target OpTarget(OpCode code) { return text_internal::SyntaxOf(code).target; }

bool operator==(const Op& a, const Op& b) {
  return a.code == b.code && a.map == b.map && a.file == b.file && a.barrier == b.barrier &&
         a.offset == b.offset && a.length == b.length && a.value == b.value &&
         a.expect == b.expect && a.result == b.result && a.shared == b.shared && a.sync == b.sync &&
         a.write_access == b.write_access && a.gup_fast == b.gup_fast && a.longterm == b.longterm &&
         a.addr == b.addr && a.dma == b.dma && a.buf_map == b.buf_map &&
         a.buf_offset == b.buf_offset;
}

bool ResultMatches(std::string_view expected, std::string_view what) {
  if (expected == what) return true;
  return expected == "ok" && what.substr(0, 4) == "ret=";
}

std::map<std::string, int> BarrierParties(const Workload& w) {
  std::map<std::string, int> parties;
  for (const Actor& a : w.actors) {
    for (const Op& op : a.ops) {
      if (op.code == OpCode::kBarrier) ++parties[op.barrier];
    }
  }
  return parties;
}

size_t SetupOpCount(const Actor& actor) {
  size_t n = 0;
  while (n < actor.ops.size() && actor.ops[n].code == OpCode::kMmap) ++n;
  return n;
}

absl::StatusOr<Workload> LoadWorkloadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int read_errno = errno;
  std::fclose(f);
  if (failed) {
    return absl::DataLossError(absl::StrCat(path, ": read error: ", std::strerror(read_errno)));
  }
  return ParseWorkload(text, path);
}

}  // namespace daxsim::models::workload
