// The workload parser: one pass over the lines builds the AST and checks each statement on its
// own (syntax, keys, numbers, limits, files); a final pass checks what spans actors: every
// map op names a live mapping (its own mmap or a setup mapping of its mm) and stays inside it.
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "models/workload/text_internal.h"
#include "models/workload/workload.h"

// Returns the absl::Status `expr` from the enclosing function if it is not OK.
#define WORKLOAD_RETURN_IF_ERROR(expr)     \
  do {                                     \
    const ::absl::Status status_ = (expr); \
    if (!status_.ok()) return status_;     \
  } while (0)

namespace daxsim::models::workload {
namespace {

using text_internal::FindOp;
using text_internal::FormatNumber;
using text_internal::IsFlagWord;
using text_internal::IsName;
using text_internal::OpSyntax;
using text_internal::ParseNumber;

struct Word {
  std::string text;
  bool quoted = false;  // a "string" (escapes resolved)
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsControl(char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; }

// Splits one line into words, dropping a `#` comment. On error, returns false and sets *what.
bool SplitWords(absl::string_view line, std::vector<Word>* words, std::string* what) {
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '#') break;
    if (IsBlank(c)) {
      ++i;
    } else if (IsControl(c)) {
      *what = "control character in line";
      return false;
    } else if (c == '"') {
      Word word{"", true};
      for (++i;; ++i) {
        if (i >= line.size()) {
          *what = "unterminated string";
          return false;
        }
        if (line[i] == '"') break;
        if (IsControl(line[i])) {
          *what = "control character in string";
          return false;
        }
        if (line[i] == '\\') {
          if (i + 1 >= line.size() || (line[i + 1] != '"' && line[i + 1] != '\\')) {
            *what = "bad escape in string (only \\\" and \\\\)";
            return false;
          }
          ++i;
        }
        word.text += line[i];
      }
      ++i;  // the closing quote
      if (i < line.size() && !IsBlank(line[i]) && line[i] != '#') {
        *what = "text right after a closing quote";
        return false;
      }
      words->push_back(std::move(word));
    } else {
      Word word;
      while (i < line.size() && !IsBlank(line[i]) && line[i] != '#') {
        if (IsControl(line[i])) {
          *what = "control character in line";
          return false;
        }
        if (line[i] == '"') {
          *what = absl::StrCat("unexpected quote after '", word.text, "'");
          return false;
        }
        word.text += line[i++];
      }
      words->push_back(std::move(word));
    }
  }
  return true;
}

class Parser {
 public:
  explicit Parser(absl::string_view source) : source_(source) {}

  absl::StatusOr<Workload> Run(absl::string_view text) {
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      ++line_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::vector<Word> words;
      std::string what;
      if (!SplitWords(line, &words, &what)) return Error(what);
      if (words.empty()) continue;
      WORKLOAD_RETURN_IF_ERROR(Statement(words));
    }
    WORKLOAD_RETURN_IF_ERROR(Finish());
    return std::move(w_);
  }

 private:
  absl::Status ErrorAt(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ":", line, ": ", what));
  }
  absl::Status Error(absl::string_view what) const { return ErrorAt(line_, what); }

  absl::Status Statement(const std::vector<Word>& words);
  absl::Status Header(const std::vector<Word>& words);
  absl::Status Description(const std::vector<Word>& words);
  absl::Status File(const std::vector<Word>& words);
  absl::Status FileKey(absl::string_view key, absl::string_view value, bool* after_extent,
                       FileSetup* file, bool* has_size);
  absl::Status Phys(absl::string_view text, uint64_t length, uint64_t* out);
  absl::Status Place(absl::string_view value, FileSetup* file);
  absl::Status CheckExtents(const FileSetup& file);
  absl::Status ActorStatement(const std::vector<Word>& words);
  absl::Status Operation(const OpSyntax& syntax, const std::vector<Word>& words);
  absl::Status Operands(const OpSyntax& syntax, const std::vector<absl::string_view>& positional,
                        Op* op);
  absl::Status MmapFlags(const std::vector<absl::string_view>& flags, Op* op);
  absl::Status PinFlags(const std::vector<absl::string_view>& flags, Op* op);
  absl::Status UserBuffer(absl::string_view key, absl::string_view value, Op* op);
  absl::Status Keys(const OpSyntax& syntax,
                    const std::map<absl::string_view, absl::string_view>& keys, Op* op);
  absl::Status CheckRange(const OpSyntax& syntax, const Op& op);
  absl::Status Expect(const OpSyntax& syntax, absl::string_view value, Op* op);
  absl::Status Number(absl::string_view text, absl::string_view key, uint64_t* out) const;
  absl::Status Byte(absl::string_view text, absl::string_view key, uint64_t* out) const;
  absl::Status CheckFile(absl::string_view name) const;
  absl::Status Finish();
  absl::Status Params(const std::vector<Word>& words);
  // A mapping as CheckMappings scopes it.
  struct Mapping {
    std::string file;
    uint64_t length;
  };
  absl::Status CheckMappings();
  absl::Status CheckUserBuffer(const Actor& actor, const Op& op,
                               const std::map<std::string, Mapping>& live,
                               const std::map<std::string, bool>& unmapped);
  absl::Status CheckBarriers();

  absl::string_view source_;
  int line_ = 0;
  Workload w_;
  int header_line_ = 0;  // 0 until `workload NAME`
  bool has_description_ = false;
  std::vector<int> actor_lines_;
};

absl::Status Parser::Statement(const std::vector<Word>& words) {
  const std::string& head = words[0].text;
  if (words[0].quoted) return Error("unexpected string at the start of a line");
  if (head == "workload") return Header(words);
  if (header_line_ == 0) return Error("expected 'workload NAME' before anything else");
  if (head == "description") return Description(words);
  if (head == "params") return Params(words);
  if (head == "file") return File(words);
  if (head == "actor") return ActorStatement(words);
  const OpSyntax* syntax = FindOp(head);
  if (syntax == nullptr) return Error(absl::StrCat("unknown operation '", head, "'"));
  if (w_.actors.empty()) return Error(absl::StrCat("operation '", head, "' outside an actor"));
  return Operation(*syntax, words);
}

absl::Status Parser::Header(const std::vector<Word>& words) {
  if (header_line_ != 0) return Error("duplicate 'workload' statement");
  if (words.size() != 2 || words[1].quoted || !IsName(words[1].text)) {
    return Error("usage: workload NAME");
  }
  w_.name = words[1].text;
  header_line_ = line_;
  return absl::OkStatus();
}

absl::Status Parser::Description(const std::vector<Word>& words) {
  if (has_description_) return Error("duplicate description");
  if (!w_.files.empty() || !w_.actors.empty()) {
    return Error("description must come before files and actors");
  }
  if (words.size() != 2 || !words[1].quoted) return Error("usage: description \"TEXT\"");
  w_.description = words[1].text;
  has_description_ = true;
  return absl::OkStatus();
}

absl::Status Parser::Params(const std::vector<Word>& words) {
  if (!w_.params.empty()) return Error("duplicate params");
  if (!w_.files.empty() || !w_.actors.empty()) {
    return Error("params must come before files and actors");
  }
  if (words.size() < 2) return Error("usage: params KEY=VALUE...");
  for (size_t i = 1; i < words.size(); ++i) {
    const size_t eq = words[i].text.find('=');
    if (words[i].quoted || eq == std::string::npos || eq == 0 || eq + 1 == words[i].text.size() ||
        words[i].text.find(',') != std::string::npos) {
      return Error(absl::StrCat("params: expected KEY=VALUE, got '", words[i].text, "'"));
    }
    absl::StrAppend(&w_.params, i > 1 ? "," : "", words[i].text);
  }
  return absl::OkStatus();
}

absl::Status Parser::Number(absl::string_view text, absl::string_view key, uint64_t* out) const {
  const std::optional<uint64_t> n = ParseNumber(text);
  if (!n) {
    return Error(key.empty() ? absl::StrCat("bad number '", text, "'")
                             : absl::StrCat("bad number '", text, "' in ", key, "="));
  }
  *out = *n;
  return absl::OkStatus();
}

absl::Status Parser::Byte(absl::string_view text, absl::string_view key, uint64_t* out) const {
  WORKLOAD_RETURN_IF_ERROR(Number(text, key, out));
  if (*out > 255) return Error(absl::StrCat(key, "=", text, " is out of range (0..255)"));
  return absl::OkStatus();
}

absl::Status Parser::CheckFile(absl::string_view name) const {
  for (const FileSetup& f : w_.files) {
    if (f.name == name) return absl::OkStatus();
  }
  return Error(absl::StrCat("unknown file '", name, "'"));
}

absl::Status Parser::File(const std::vector<Word>& words) {
  if (!w_.actors.empty()) return Error("files must be declared before the first actor");
  if (w_.files.size() == kFilesMax) return Error(absl::StrCat("more than ", kFilesMax, " files"));
  if (words.size() < 2 || words[1].quoted || !IsName(words[1].text)) {
    return Error(
        "usage: file NAME size=N [written=RANGE [fill=VALUE] [phys=P]]... "
        "[unwritten=RANGE [phys=P]]... [place=RANGE@P]...");
  }
  FileSetup file;
  file.name = words[1].text;
  for (const FileSetup& f : w_.files) {
    if (f.name == file.name) return Error(absl::StrCat("duplicate file '", file.name, "'"));
  }
  bool has_size = false, after_extent = false;
  for (size_t i = 2; i < words.size(); ++i) {
    const size_t eq = words[i].text.find('=');
    if (words[i].quoted || eq == std::string::npos || eq == 0) {
      return Error(absl::StrCat("expected key=value in file statement, got '", words[i].text, "'"));
    }
    const absl::string_view word = words[i].text;
    WORKLOAD_RETURN_IF_ERROR(
        FileKey(word.substr(0, eq), word.substr(eq + 1), &after_extent, &file, &has_size));
  }
  if (!has_size) return Error("missing key size=");
  if (file.size > kFileSizeMax) {
    return Error(absl::StrCat("file size ", FormatNumber(file.size), " exceeds ",
                              FormatNumber(kFileSizeMax)));
  }
  WORKLOAD_RETURN_IF_ERROR(CheckExtents(file));
  w_.files.push_back(std::move(file));
  return absl::OkStatus();
}

absl::Status Parser::FileKey(absl::string_view key, absl::string_view value, bool* after_extent,
                             FileSetup* file, bool* has_size) {
  const bool attach = *after_extent;  // fill= and phys= attach to the extent right before
  *after_extent = false;
  if (key == "phys") {
    if (!attach || file->extents.back().phys) {
      return Error("phys= must follow a written= or unwritten= range (once)");
    }
    uint64_t phys = 0;
    WORKLOAD_RETURN_IF_ERROR(Phys(value, file->extents.back().length, &phys));
    file->extents.back().phys = phys;
    *after_extent = true;
    return absl::OkStatus();
  }
  if (key == "place") return Place(value, file);
  if (key == "size") {
    if (*has_size) return Error("duplicate key 'size'");
    *has_size = true;
    return Number(value, key, &file->size);
  }
  if (key == "fill") {
    if (!attach || file->extents.back().kind != FileSetup::Extent::kWritten ||
        file->extents.back().fill != 0) {
      return Error("fill= must directly follow a written= range");
    }
    uint64_t fill;
    WORKLOAD_RETURN_IF_ERROR(Byte(value, key, &fill));
    file->extents.back().fill = static_cast<uint8_t>(fill);
    *after_extent = true;
    return absl::OkStatus();
  }
  if (key != "written" && key != "unwritten") {
    return Error(absl::StrCat("unknown key '", key, "' in file statement"));
  }
  const std::vector<absl::string_view> ends = absl::StrSplit(value, '-');
  uint64_t start = 0, end = 0;
  if (ends.size() != 2) return Error(absl::StrCat("bad range '", value, "' (want START-END)"));
  WORKLOAD_RETURN_IF_ERROR(Number(ends[0], key, &start));
  WORKLOAD_RETURN_IF_ERROR(Number(ends[1], key, &end));
  if (start >= end) return Error(absl::StrCat("empty range '", value, "' in ", key, "="));
  FileSetup::Extent extent;
  extent.offset = start;
  extent.length = end - start;
  extent.kind = key == "written" ? FileSetup::Extent::kWritten : FileSetup::Extent::kUnwritten;
  file->extents.push_back(extent);
  *after_extent = true;
  return absl::OkStatus();
}

// A device byte offset for `length` bytes: page aligned, the run inside kPhysMax.
absl::Status Parser::Phys(absl::string_view text, uint64_t length, uint64_t* out) {
  WORKLOAD_RETURN_IF_ERROR(Number(text, "phys", out));
  if (*out % kPageSize != 0) return Error(absl::StrCat("phys=", text, " is not page aligned"));
  if (*out > kPhysMax || length > kPhysMax - *out) {
    return Error(
        absl::StrCat("phys=", text, " runs past the ", FormatNumber(kPhysMax), " device limit"));
  }
  return absl::OkStatus();
}

// place=START-END@PHYS.
absl::Status Parser::Place(absl::string_view value, FileSetup* file) {
  const size_t at = value.find('@');
  if (at == absl::string_view::npos) {
    return Error(absl::StrCat("bad place '", value, "' (want START-END@PHYS)"));
  }
  const std::vector<absl::string_view> ends = absl::StrSplit(value.substr(0, at), '-');
  uint64_t start = 0, end = 0;
  if (ends.size() != 2) return Error(absl::StrCat("bad place '", value, "' (want START-END@PHYS)"));
  WORKLOAD_RETURN_IF_ERROR(Number(ends[0], "place", &start));
  WORKLOAD_RETURN_IF_ERROR(Number(ends[1], "place", &end));
  if (start >= end) return Error(absl::StrCat("empty range in place=", value));
  if (start % kPageSize != 0 || end % kPageSize != 0) {
    return Error(absl::StrCat("place=", value, " is not page aligned"));
  }
  if (end > kFileSizeMax) {
    return Error(absl::StrCat("place=", value, " lies beyond ", FormatNumber(kFileSizeMax)));
  }
  if (!file->places.empty() && start < file->places.back().offset + file->places.back().length) {
    return Error("place= ranges must be ascending and disjoint");
  }
  FileSetup::Place place{start, end - start, 0};
  WORKLOAD_RETURN_IF_ERROR(Phys(value.substr(at + 1), place.length, &place.phys));
  file->places.push_back(place);
  return absl::OkStatus();
}

absl::Status Parser::CheckExtents(const FileSetup& file) {
  const uint64_t pages_end = (file.size + kPageSize - 1) / kPageSize * kPageSize;
  uint64_t previous_end = 0;
  for (const FileSetup::Extent& e : file.extents) {
    const std::string range =
        absl::StrCat(FormatNumber(e.offset), "-", FormatNumber(e.offset + e.length));
    if (e.offset % kPageSize != 0 || e.length % kPageSize != 0) {
      return Error(absl::StrCat("extent ", range, " is not page aligned"));
    }
    if (e.offset < previous_end) return Error("extents must be ascending and disjoint");
    if (e.offset + e.length > pages_end) {
      return Error(absl::StrCat("extent ", range, " lies beyond the file's size"));
    }
    previous_end = e.offset + e.length;
  }
  return absl::OkStatus();
}

absl::Status Parser::ActorStatement(const std::vector<Word>& words) {
  if (words.size() < 2 || words.size() > 3 || words[1].quoted || !IsName(words[1].text)) {
    return Error("usage: actor NAME [mm=NAME]");
  }
  Actor actor;
  actor.name = actor.mm = words[1].text;
  if (words.size() == 3) {
    const absl::string_view word = words[2].text;
    if (words[2].quoted || word.substr(0, 3) != "mm=") {
      return Error(absl::StrCat("unknown key '", word, "' in actor statement (want mm=NAME)"));
    }
    if (!IsName(word.substr(3))) return Error(absl::StrCat("bad mm name '", word.substr(3), "'"));
    actor.mm = std::string(word.substr(3));
  }
  for (const Actor& a : w_.actors) {
    if (a.name == actor.name) return Error(absl::StrCat("duplicate actor '", actor.name, "'"));
  }
  if (w_.actors.size() == kActorsMax)
    return Error(absl::StrCat("more than ", kActorsMax, " actors"));
  w_.actors.push_back(std::move(actor));
  actor_lines_.push_back(line_);
  return absl::OkStatus();
}

absl::Status Parser::Operation(const OpSyntax& syntax, const std::vector<Word>& words) {
  Actor& actor = w_.actors.back();
  if (actor.ops.size() == kOpsPerActorMax) {
    return Error(
        absl::StrCat("actor '", actor.name, "' has more than ", kOpsPerActorMax, " operations"));
  }
  std::vector<absl::string_view> positional;
  std::map<absl::string_view, absl::string_view> keys;
  for (size_t i = 1; i < words.size(); ++i) {
    const absl::string_view word = words[i].text;
    if (words[i].quoted) return Error(absl::StrCat("unexpected string in '", syntax.name, "'"));
    const size_t eq = word.find('=');
    if (eq == absl::string_view::npos) {
      positional.push_back(word);
      continue;
    }
    const absl::string_view key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key.empty() || value.empty()) return Error(absl::StrCat("bad key=value '", word, "'"));
    if (!keys.emplace(key, value).second) {
      return Error(absl::StrCat("duplicate key '", key, "' in '", syntax.name, "'"));
    }
  }
  Op op;
  op.code = syntax.code;
  op.line = line_;
  WORKLOAD_RETURN_IF_ERROR(Operands(syntax, positional, &op));
  WORKLOAD_RETURN_IF_ERROR(Keys(syntax, keys, &op));
  WORKLOAD_RETURN_IF_ERROR(CheckRange(syntax, op));
  actor.ops.push_back(std::move(op));
  return absl::OkStatus();
}

absl::Status Parser::Operands(const OpSyntax& syntax,
                              const std::vector<absl::string_view>& positional, Op* op) {
  const absl::Status usage =
      Error(absl::StrCat("wrong operands for '", syntax.name, "'; usage: ", syntax.usage));
  std::vector<absl::string_view> names, numbers, flags;
  for (absl::string_view word : positional) {
    if ((syntax.code == OpCode::kMmap || syntax.code == OpCode::kPin) && IsFlagWord(word)) {
      flags.push_back(word);
    } else if (!numbers.empty() || !IsName(word)) {
      numbers.push_back(word);  // operands after the first non-name are numbers
    } else {
      names.push_back(word);
    }
  }
  const size_t numbers_want = syntax.offset ? 1 : 0;
  if (numbers.size() != numbers_want) return usage;
  if (numbers_want == 1) WORKLOAD_RETURN_IF_ERROR(Number(numbers[0], "", &op->offset));
  switch (syntax.target) {
    case Target::kNone:
      return names.empty() ? absl::OkStatus() : usage;
    case Target::kFile:
      if (names.size() > 1) return usage;
      op->file = names.empty() ? text_internal::kDefaultFile : std::string(names[0]);
      return CheckFile(op->file);
    case Target::kBarrier:
      if (names.size() != 1) return usage;
      op->barrier = std::string(names[0]);
      return absl::OkStatus();
    case Target::kMap:
      break;
  }
  if (syntax.code != OpCode::kMmap) {
    if (names.size() != 1) return usage;
    op->map = std::string(names[0]);
    return syntax.code == OpCode::kPin ? PinFlags(flags, op) : absl::OkStatus();
  }
  if (names.empty() || names.size() > 2) return usage;
  op->map = std::string(names[0]);
  op->file = names.size() == 2 ? std::string(names[1]) : text_internal::kDefaultFile;
  WORKLOAD_RETURN_IF_ERROR(CheckFile(op->file));
  return MmapFlags(flags, op);
}

// pin's flags: rw (the default) is FOLL_WRITE, the device writes into the pages, ro without
// it; fast (the default) is get_user_pages_fast(), slow get_user_pages() under mmap_lock;
// longterm adds FOLL_LONGTERM (a pin_user_pages() of io_uring's or RDMA's kind).
absl::Status Parser::PinFlags(const std::vector<absl::string_view>& flags, Op* op) {
  std::map<absl::string_view, int> seen;
  for (absl::string_view flag : flags) {
    if (flag != "ro" && flag != "rw" && flag != "fast" && flag != "slow" && flag != "longterm") {
      return Error(
          absl::StrCat("flag '", flag, "' is not one 'pin' takes (ro, rw, fast, slow, longterm)"));
    }
    if (++seen[flag] > 1) return Error(absl::StrCat("duplicate flag '", flag, "' in 'pin'"));
  }
  if (seen.count("ro") && seen.count("rw")) {
    return Error("conflicting flags 'ro' and 'rw' in 'pin'");
  }
  if (seen.count("fast") && seen.count("slow")) {
    return Error("conflicting flags 'fast' and 'slow' in 'pin'");
  }
  op->write_access = seen.count("ro") == 0;
  op->gup_fast = seen.count("slow") == 0;
  op->longterm = seen.count("longterm") != 0;
  return absl::OkStatus();
}

absl::Status Parser::MmapFlags(const std::vector<absl::string_view>& flags, Op* op) {
  std::map<absl::string_view, int> seen;
  for (absl::string_view flag : flags) {
    if (flag == "fast" || flag == "slow" || flag == "longterm") {
      return Error(absl::StrCat("flag '", flag, "' is a 'pin' flag, not one 'mmap' takes"));
    }
    if (++seen[flag] > 1) return Error(absl::StrCat("duplicate flag '", flag, "' in 'mmap'"));
  }
  if (seen.count("shared") && seen.count("private")) {
    return Error("conflicting flags 'shared' and 'private' in 'mmap'");
  }
  if (seen.count("ro") && seen.count("rw")) {
    return Error("conflicting flags 'ro' and 'rw' in 'mmap'");
  }
  if (seen.count("sync") && seen.count("private")) {
    return Error("flag 'sync' needs a shared mapping, not 'private'");
  }
  op->shared = seen.count("private") == 0;
  op->sync = seen.count("sync") != 0;
  op->write_access = seen.count("ro") == 0;
  return absl::OkStatus();
}

absl::Status Parser::Keys(const OpSyntax& syntax,
                          const std::map<absl::string_view, absl::string_view>& keys, Op* op) {
  const bool is_mmap = syntax.code == OpCode::kMmap;
  for (const auto& [key, value] : keys) {
    if (key == "len" && syntax.len) {
      WORKLOAD_RETURN_IF_ERROR(Number(value, key, &op->length));
      if (op->length == 0) return Error("len=0 is not allowed");
    } else if (key == "val" && (syntax.val || syntax.code == OpCode::kUnpin)) {
      WORKLOAD_RETURN_IF_ERROR(Byte(value, key, &op->value));
    } else if (key == "expect" && syntax.expect != 0) {
      WORKLOAD_RETURN_IF_ERROR(Expect(syntax, value, op));
    } else if (key == "ret" && (syntax.expect & text_internal::kExpectRet) != 0) {
      uint64_t n = 0;
      WORKLOAD_RETURN_IF_ERROR(Number(value, key, &n));
      if (keys.count("expect") != 0 && !op->expect && keys.at("expect") != "ok") {
        return Error(absl::StrCat("ret= and expect=", keys.at("expect"), " contradict"));
      }
      op->result = absl::StrCat("ret=", n);
    } else if (key == "off" && is_mmap) {
      WORKLOAD_RETURN_IF_ERROR(Number(value, key, &op->offset));
    } else if ((key == "from" && syntax.code == OpCode::kWrite) ||
               (key == "to" && syntax.code == OpCode::kRead)) {
      WORKLOAD_RETURN_IF_ERROR(UserBuffer(key, value, op));
    } else if (key == "addr" && is_mmap) {
      WORKLOAD_RETURN_IF_ERROR(Number(value, key, &op->addr));
      if (op->addr == 0) return Error("addr=0 is not allowed (leave addr= out for any address)");
    } else {
      return Error(absl::StrCat("unknown key '", key, "' for '", syntax.name, "'"));
    }
  }
  if (syntax.code == OpCode::kUnpin) op->dma = keys.count("val") != 0;
  if (!op->buf_map.empty() && keys.count("val") != 0) {
    return Error("from= and val= contradict (the bytes written are the mapping's)");
  }
  for (absl::string_view required : {"len", "val"}) {
    const bool wanted = required == "len" ? syntax.len : syntax.val && op->buf_map.empty();
    if (wanted && keys.count(required) == 0) {
      return Error(absl::StrCat("missing key ", required, "= in '", syntax.name, "'"));
    }
  }
  return absl::OkStatus();
}

// from=MAP+OFF (write) or to=MAP+OFF (read): the user buffer is OFF bytes into mapping MAP.
absl::Status Parser::UserBuffer(absl::string_view key, absl::string_view value, Op* op) {
  const size_t plus = value.find('+');
  const absl::string_view map = value.substr(0, plus);
  if (plus == absl::string_view::npos || !IsName(map)) {
    return Error(absl::StrCat(key, "=", value, ": want ", key, "=MAP+OFF"));
  }
  WORKLOAD_RETURN_IF_ERROR(Number(value.substr(plus + 1), key, &op->buf_offset));
  op->buf_map = std::string(map);
  return absl::OkStatus();
}

// expect=VALUE (bytes read), =SIGBUS|SIGSEGV, =ERRNO, =ok, or =N|ERRNO (size), as the op allows.
absl::Status Parser::Expect(const OpSyntax& syntax, absl::string_view value, Op* op) {
  using namespace text_internal;  // the kExpect* forms
  const auto forms = syntax.expect;
  if ((forms & kExpectSize) != 0 && !(value.size() > 1 && value[0] == 'E')) {
    uint64_t n = 0;
    WORKLOAD_RETURN_IF_ERROR(Number(value, "expect", &n));
    op->result = absl::StrCat("size=", n);
    return absl::OkStatus();
  }
  if (value == "ok" && (forms & (kExpectSignal | kExpectErrno)) != 0) {
    if (op->result.empty()) op->result = "ok";  // a ret=N says more
    return absl::OkStatus();
  }
  if ((value == "SIGBUS" || value == "SIGSEGV") && (forms & kExpectSignal) != 0) {
    op->result = std::string(value);
    return absl::OkStatus();
  }
  if (!value.empty() && value[0] == 'E' && (forms & kExpectErrno) != 0) {
    const std::string name = ErrnoName(value);
    if (name.empty()) return Error(absl::StrCat("expect=", value, ": no such errno name"));
    op->result = "err=" + name;
    return absl::OkStatus();
  }
  if ((forms & kExpectByte) != 0 && ParseNumber(value)) {
    WORKLOAD_RETURN_IF_ERROR(Byte(value, "expect", &op->value));
    op->expect = true;
    return absl::OkStatus();
  }
  return Error(absl::StrCat("expect=", value, " is not a result '", syntax.name,
                            "' can have; usage: ", syntax.usage));
}

// Limits that need no other statement: mmap alignment, and every file range within 64M.
// (Map-relative ranges are checked against their mapping in CheckMappings.)
absl::Status Parser::CheckRange(const OpSyntax& syntax, const Op& op) {
  const std::string limit = FormatNumber(kFileSizeMax);
  if (op.code == OpCode::kMmap) {
    if (op.offset % kPageSize != 0) {
      return Error(absl::StrCat("mmap off=", FormatNumber(op.offset), " is not page aligned"));
    }
    if (op.length % kPageSize != 0) {
      return Error(absl::StrCat("mmap len=", FormatNumber(op.length), " is not page aligned"));
    }
    if (op.addr % kPageSize != 0) {
      return Error(absl::StrFormat("mmap addr=%#llx is not page aligned", op.addr));
    }
    if (op.addr != 0 && (op.addr < kFixedAddrMin || op.addr > kFixedAddrEnd ||
                         op.length > kFixedAddrEnd - op.addr)) {
      return Error(absl::StrFormat("mmap addr=%#llx len=%s is outside [%#llx, %#llx)", op.addr,
                                   FormatNumber(op.length), kFixedAddrMin, kFixedAddrEnd));
    }
  } else if (syntax.target != Target::kFile) {
    return absl::OkStatus();
  }
  if (op.code == OpCode::kTruncate && op.offset > kFileSizeMax) {
    return Error(absl::StrCat("truncate size ", FormatNumber(op.offset), " exceeds the ", limit,
                              " file limit"));
  }
  const uint64_t end_min = syntax.len || op.code == OpCode::kTruncate ? 0 : 1;  // badblock OFF
  if (op.offset > kFileSizeMax || op.length > kFileSizeMax - op.offset ||
      op.offset + op.length + end_min > kFileSizeMax) {
    return Error(absl::StrCat("'", syntax.name, "' range ends beyond the ", limit, " file limit"));
  }
  return absl::OkStatus();
}

absl::Status Parser::Finish() {
  if (header_line_ == 0) return ErrorAt(1, "missing 'workload NAME'");
  if (w_.actors.empty()) {
    return ErrorAt(header_line_, absl::StrCat("workload '", w_.name, "' has no actors"));
  }
  for (size_t i = 0; i < w_.actors.size(); ++i) {
    if (w_.actors[i].ops.empty()) {
      return ErrorAt(actor_lines_[i],
                     absl::StrCat("actor '", w_.actors[i].name, "' has no operations"));
    }
  }
  WORKLOAD_RETURN_IF_ERROR(CheckBarriers());
  return CheckMappings();
}

// Every barrier is named once by each actor that meets it, by two actors at least, and the
// actors meet their barriers in one order: no cycle in "met right before" (else the workload
// itself deadlocks).
absl::Status Parser::CheckBarriers() {
  std::map<std::string, int> parties, first_line;
  std::map<std::string, std::set<std::string>> next;  // barrier -> barriers met right after it
  for (const Actor& actor : w_.actors) {
    std::set<std::string> met;
    const Op* previous = nullptr;
    for (const Op& op : actor.ops) {
      if (op.code != OpCode::kBarrier) continue;
      if (!met.insert(op.barrier).second) {
        return ErrorAt(op.line, absl::StrCat("actor '", actor.name, "' meets barrier '", op.barrier,
                                             "' twice"));
      }
      if (previous != nullptr) next[previous->barrier].insert(op.barrier);
      previous = &op;
      ++parties[op.barrier];
      first_line.emplace(op.barrier, op.line);
    }
  }
  if (parties.size() > kBarriersMax) {
    return ErrorAt(first_line.rbegin()->second,
                   absl::StrCat("more than ", kBarriersMax, " barriers"));
  }
  for (const auto& [name, n] : parties) {
    if (n < 2) {
      return ErrorAt(first_line[name],
                     absl::StrCat("barrier '", name, "' is met by one actor only"));
    }
  }
  // Depth-first search for a cycle (0 unseen, 1 on the path, 2 done).
  std::map<std::string, int> color;
  std::function<const std::string*(const std::string&)> cycle_from =
      [&](const std::string& b) -> const std::string* {
    color[b] = 1;
    for (const std::string& n : next[b]) {
      if (color[n] == 1) return &n;
      if (color[n] == 0) {
        if (const std::string* c = cycle_from(n)) return c;
      }
    }
    color[b] = 2;
    return nullptr;
  };
  for (const auto& [name, n] : parties) {
    if (color[name] != 0) continue;
    if (const std::string* c = cycle_from(name)) {
      return ErrorAt(first_line[*c],
                     absl::StrCat("barrier '", *c, "' is met in orders that deadlock"));
    }
  }
  return absl::OkStatus();
}

// A read's or write's user buffer lies inside a mapping the actor sees.
absl::Status Parser::CheckUserBuffer(const Actor& actor, const Op& op,
                                     const std::map<std::string, Mapping>& live,
                                     const std::map<std::string, bool>& unmapped) {
  const auto it = live.find(op.buf_map);
  if (it == live.end()) {
    const bool was = unmapped.count(op.buf_map) != 0;
    return ErrorAt(op.line, absl::StrCat("map '", op.buf_map, "' used ",
                                         was ? "after its munmap" : "before its mmap",
                                         " in actor '", actor.name, "'"));
  }
  if (op.buf_offset >= it->second.length || op.length > it->second.length - op.buf_offset) {
    return ErrorAt(
        op.line, absl::StrCat("buffer ", FormatNumber(op.buf_offset), "+", FormatNumber(op.length),
                              " is beyond mapping '", op.buf_map,
                              "' (len=", FormatNumber(it->second.length), ")"));
  }
  return absl::OkStatus();
}

// Scopes mapping names: an actor sees its mm's setup mappings (every same-mm actor's leading
// mmaps) and its own later mmaps until it munmaps them. Resolves each map op's file.
absl::Status Parser::CheckMappings() {
  std::map<std::string, std::map<std::string, Mapping>> setup;  // mm -> name -> mapping
  // Fixed addresses (addr=) of one mm never overlap, whatever munmaps run in between: the model
  // keeps them reserved, so a mapping it places itself never takes one (no EEXIST).
  std::map<std::string, std::map<uint64_t, const Op*>> fixed;  // mm -> addr -> mmap
  for (const Actor& actor : w_.actors) {
    for (const Op& op : actor.ops) {
      if (op.code != OpCode::kMmap || op.addr == 0) continue;
      std::map<uint64_t, const Op*>& ranges = fixed[actor.mm];
      auto next = ranges.lower_bound(op.addr);
      const Op* clash = next != ranges.end() && next->first < op.addr + op.length ? next->second
                        : next != ranges.begin() &&
                                std::prev(next)->first + std::prev(next)->second->length > op.addr
                            ? std::prev(next)->second
                            : nullptr;
      if (clash != nullptr) {
        return ErrorAt(op.line, absl::StrFormat("mmap %s addr=%#llx overlaps mmap %s addr=%#llx "
                                                "(line %d) in mm '%s'",
                                                op.map, op.addr, clash->map, clash->addr,
                                                clash->line, actor.mm));
      }
      ranges.emplace(op.addr, &op);
    }
  }
  for (const Actor& actor : w_.actors) {
    for (size_t i = 0; i < SetupOpCount(actor); ++i) {
      const Op& op = actor.ops[i];
      if (!setup[actor.mm].emplace(op.map, Mapping{op.file, op.length}).second) {
        return ErrorAt(op.line, absl::StrCat("mapping '", op.map, "' is already mapped in mm '",
                                             actor.mm, "'"));
      }
    }
  }
  for (Actor& actor : w_.actors) {
    std::map<std::string, Mapping> live = setup[actor.mm];
    std::map<std::string, bool> unmapped;
    for (size_t i = SetupOpCount(actor); i < actor.ops.size(); ++i) {
      Op& op = actor.ops[i];
      if (!op.buf_map.empty()) {
        WORKLOAD_RETURN_IF_ERROR(CheckUserBuffer(actor, op, live, unmapped));
        continue;
      }
      if (OpTarget(op.code) != Target::kMap) continue;
      if (op.code == OpCode::kMmap) {
        if (!live.emplace(op.map, Mapping{op.file, op.length}).second) {
          return ErrorAt(op.line, absl::StrCat("mapping '", op.map, "' is already mapped"));
        }
        continue;
      }
      const auto it = live.find(op.map);
      if (it == live.end()) {
        return ErrorAt(op.line,
                       absl::StrCat("map '", op.map, "' used ",
                                    unmapped[op.map] ? "after its munmap" : "before its mmap",
                                    " in actor '", actor.name, "'"));
      }
      op.file = it->second.file;
      const uint64_t size = op.code == OpCode::kPoison ? 1 : op.length;
      if (op.offset >= it->second.length || size > it->second.length - op.offset) {
        return ErrorAt(op.line,
                       absl::StrCat("range ", FormatNumber(op.offset), "+", FormatNumber(op.length),
                                    " is beyond mapping '", op.map,
                                    "' (len=", FormatNumber(it->second.length), ")"));
      }
      if (op.code == OpCode::kMunmap) {
        live.erase(it);
        unmapped[op.map] = true;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Workload> ParseWorkload(std::string_view text, std::string_view source_name) {
  return Parser(absl::string_view(source_name.data(), source_name.size()))
      .Run(absl::string_view(text.data(), text.size()));
}

}  // namespace daxsim::models::workload
