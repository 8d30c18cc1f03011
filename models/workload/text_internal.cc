// The operation table and the lexicon of the workload text form.
#include "models/workload/text_internal.h"

#include <array>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace daxsim::models::workload::text_internal {
namespace {

constexpr Target kN = Target::kNone, kM = Target::kMap, kF = Target::kFile;

// Indexed by OpCode: the rows are in enum order (checked by SyntaxOf).
constexpr std::array<OpSyntax, 22> kOps = {{
    // code, keyword, operand, positional OFF, len= required, val= required, expect= allowed
    {OpCode::kMmap, "mmap", kM, false, true, false, false,
     "mmap MAP [FILE] [off=OFF] len=L [shared|private] [sync] [ro|rw]"},
    {OpCode::kMunmap, "munmap", kM, false, false, false, false, "munmap MAP"},
    {OpCode::kLoad, "load", kM, true, true, false, true, "load MAP OFF len=L [expect=VALUE]"},
    {OpCode::kStore, "store", kM, true, true, true, false, "store MAP OFF len=L val=VALUE"},
    {OpCode::kClwb, "clwb", kM, true, true, false, false, "clwb MAP OFF len=L"},
    {OpCode::kSfence, "sfence", kN, false, false, false, false, "sfence"},
    {OpCode::kMsync, "msync", kM, true, true, false, false, "msync MAP OFF len=L"},
    {OpCode::kMadviseDontneed, "madvise_dontneed", kM, true, true, false, false,
     "madvise_dontneed MAP OFF len=L"},
    {OpCode::kPin, "pin", kM, true, true, false, false, "pin MAP OFF len=L"},
    {OpCode::kUnpin, "unpin", kM, true, true, true, false, "unpin MAP OFF len=L val=VALUE"},
    {OpCode::kPoison, "poison", kM, true, false, false, false, "poison MAP OFF"},
    {OpCode::kRead, "read", kF, true, true, false, true, "read [FILE] OFF len=L [expect=VALUE]"},
    {OpCode::kWrite, "write", kF, true, true, true, false, "write [FILE] OFF len=L val=VALUE"},
    {OpCode::kFallocate, "falloc", kF, true, true, false, false, "falloc [FILE] OFF len=L"},
    {OpCode::kPunchHole, "punch", kF, true, true, false, false, "punch [FILE] OFF len=L"},
    {OpCode::kZeroRange, "zero_range", kF, true, true, false, false, "zero_range [FILE] OFF len=L"},
    {OpCode::kTruncate, "truncate", kF, true, false, false, false, "truncate [FILE] SIZE"},
    {OpCode::kFsync, "fsync", kF, false, false, false, false, "fsync [FILE]"},
    {OpCode::kInjectBadBlock, "badblock", kF, true, false, false, false, "badblock [FILE] OFF"},
    {OpCode::kScrub, "scrub", kN, false, false, false, false, "scrub"},
    {OpCode::kUnbind, "unbind", kN, false, false, false, false, "unbind"},
    {OpCode::kCrash, "crash", kN, false, false, false, false, "crash"},
}};

constexpr uint64_t kKiB = 1024, kMiB = 1024 * 1024;

}  // namespace

const OpSyntax& SyntaxOf(OpCode code) {
  const OpSyntax& row = kOps.at(static_cast<size_t>(code));
  if (row.code != code) std::abort();  // the table is out of enum order: a bug here
  return row;
}

const OpSyntax* FindOp(absl::string_view name) {
  for (const OpSyntax& row : kOps) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::optional<uint64_t> ParseNumber(absl::string_view text) {
  uint64_t multiplier = 1;
  if (!text.empty() && (text.back() == 'K' || text.back() == 'M')) {
    multiplier = text.back() == 'K' ? kKiB : kMiB;
    text.remove_suffix(1);
  }
  uint64_t base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    uint64_t digit;
    if (absl::ascii_isdigit(c)) {
      digit = c - '0';
    } else if (base == 16 && absl::ascii_isxdigit(c)) {
      digit = absl::ascii_tolower(c) - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  if (value > UINT64_MAX / multiplier) return std::nullopt;
  return value * multiplier;
}

std::string FormatNumber(uint64_t value) {
  if (value < kKiB) return absl::StrCat(value);
  if (value % kMiB == 0) return absl::StrCat(value / kMiB, "M");
  if (value % kKiB == 0) return absl::StrCat(value / kKiB, "K");
  return absl::StrFormat("0x%x", value);
}

std::string FormatOffset(uint64_t value) {
  if (value == 0) return "0";
  if (value % kMiB == 0) return absl::StrCat(value / kMiB, "M");
  return absl::StrFormat("0x%x", value);
}

std::string FormatByte(uint64_t value) { return absl::StrFormat("0x%02x", value); }

bool IsFlagWord(absl::string_view text) {
  return text == "shared" || text == "private" || text == "sync" || text == "ro" || text == "rw";
}

bool IsName(absl::string_view text) {
  if (text.empty() || !(absl::ascii_isalpha(text[0]) || text[0] == '_')) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return !IsFlagWord(text);
}

}  // namespace daxsim::models::workload::text_internal
