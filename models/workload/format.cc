// The workload printer: the canonical text, every key spelled out in a fixed order, numbers in
// canonical form (sizes as 4K/2M, offsets as hex), one op per line indented under its actor.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "models/workload/text_internal.h"
#include "models/workload/workload.h"

namespace daxsim::models::workload {
namespace {

using text_internal::FormatByte;
using text_internal::FormatNumber;

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string FormatFile(const FileSetup& file) {
  std::string out = absl::StrCat("file ", file.name, " size=", FormatNumber(file.size));
  for (const FileSetup::Extent& e : file.extents) {
    const bool written = e.kind == FileSetup::Extent::kWritten;
    absl::StrAppend(&out, written ? " written=" : " unwritten=", FormatNumber(e.offset), "-",
                    FormatNumber(e.offset + e.length));
    if (written && e.fill != 0) absl::StrAppend(&out, " fill=", FormatByte(e.fill));
    if (e.phys) absl::StrAppend(&out, " phys=", FormatNumber(*e.phys));
  }
  for (const FileSetup::Place& p : file.places) {
    absl::StrAppend(&out, " place=", FormatNumber(p.offset), "-", FormatNumber(p.offset + p.length),
                    "@", FormatNumber(p.phys));
  }
  return out;
}

// An expected result: " expect=SIGBUS", " expect=EIO", " expect=ok", " ret=N", " expect=N"
// (size); "" for none.
std::string FormatResult(const std::string& result) {
  if (result.empty()) return "";
  if (absl::StartsWith(result, "ret=")) return " " + result;
  if (absl::StartsWith(result, "err=")) return " expect=" + result.substr(4);
  if (absl::StartsWith(result, "size=")) {
    return " expect=" + text_internal::FormatNumber(std::stoull(result.substr(5)));
  }
  return " expect=" + result;
}

std::string FormatOp(const Op& op) {
  const text_internal::OpSyntax& syntax = text_internal::SyntaxOf(op.code);
  std::string out(syntax.name);
  if (op.code == OpCode::kMmap) {
    absl::StrAppend(&out, " ", op.map, " ", op.file, " off=", FormatNumber(op.offset),
                    " len=", FormatNumber(op.length));
    absl::StrAppend(&out, op.sync ? " sync" : op.shared ? " shared" : " private");
    if (!op.write_access) absl::StrAppend(&out, " ro");
    if (op.addr != 0) absl::StrAppend(&out, " addr=", absl::StrFormat("%#llx", op.addr));
    return out + FormatResult(op.result);
  }
  switch (syntax.target) {
    case Target::kNone:
      return out;
    case Target::kMap:
      absl::StrAppend(&out, " ", op.map);
      break;
    case Target::kFile:
      absl::StrAppend(&out, " ", op.file);
      break;
    case Target::kBarrier:
      return out + " " + op.barrier;
  }
  if (syntax.offset) {
    const bool size = op.code == OpCode::kTruncate;
    absl::StrAppend(&out, " ",
                    size ? FormatNumber(op.offset) : text_internal::FormatOffset(op.offset));
  }
  if (syntax.len) absl::StrAppend(&out, " len=", FormatNumber(op.length));
  if (op.code == OpCode::kPin && !op.write_access) absl::StrAppend(&out, " ro");
  if (op.code == OpCode::kPin && !op.gup_fast) absl::StrAppend(&out, " slow");
  if (op.code == OpCode::kPin && op.longterm) absl::StrAppend(&out, " longterm");
  if (!op.buf_map.empty()) {
    absl::StrAppend(&out, op.code == OpCode::kWrite ? " from=" : " to=", op.buf_map, "+",
                    text_internal::FormatOffset(op.buf_offset));
  } else if (syntax.val || (op.code == OpCode::kUnpin && op.dma)) {
    absl::StrAppend(&out, " val=", FormatByte(op.value));
  }
  if (op.expect) absl::StrAppend(&out, " expect=", FormatByte(op.value));
  absl::StrAppend(&out, FormatResult(op.result));
  return out;
}

}  // namespace

std::string FormatWorkload(const Workload& workload) {
  std::string out = absl::StrCat("workload ", workload.name, "\n");
  if (!workload.description.empty()) {
    absl::StrAppend(&out, "description ", Quote(workload.description), "\n");
  }
  if (!workload.params.empty()) {
    absl::StrAppend(&out, "params ", absl::StrReplaceAll(workload.params, {{",", " "}}), "\n");
  }
  for (const FileSetup& file : workload.files) absl::StrAppend(&out, FormatFile(file), "\n");
  for (const Actor& actor : workload.actors) {
    absl::StrAppend(&out, "actor ", actor.name);
    if (actor.mm != actor.name) absl::StrAppend(&out, " mm=", actor.mm);
    absl::StrAppend(&out, "\n");
    for (const Op& op : actor.ops) absl::StrAppend(&out, "  ", FormatOp(op), "\n");
  }
  return out;
}

}  // namespace daxsim::models::workload
