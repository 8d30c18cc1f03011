// The operation table and the lexicon of the workload text form.
#include "models/workload/text_internal.h"

#include <array>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace daxsim::models::workload::text_internal {
namespace {

constexpr Target kN = Target::kNone, kM = Target::kMap, kF = Target::kFile;

constexpr uint8_t kB = kExpectByte, kS = kExpectSignal, kE = kExpectErrno, kR = kExpectRet;

// Indexed by OpCode: the rows are in enum order (checked by SyntaxOf).
constexpr std::array<OpSyntax, 24> kOps = {{
    // code, keyword, operand, positional OFF, len= required, val= required, expect= forms
    {OpCode::kMmap, "mmap", kM, false, true, false, kE,
     "mmap MAP [FILE] [off=OFF] len=L [shared|private] [sync] [ro|rw] [addr=A] [expect=ERRNO|ok]"},
    {OpCode::kMunmap, "munmap", kM, false, false, false, kE, "munmap MAP [expect=ERRNO|ok]"},
    {OpCode::kLoad, "load", kM, true, true, false, kB | kS,
     "load MAP OFF len=L [expect=VALUE|SIGBUS|SIGSEGV|ok]"},
    {OpCode::kStore, "store", kM, true, true, true, kS,
     "store MAP OFF len=L val=VALUE [expect=SIGBUS|SIGSEGV|ok]"},
    {OpCode::kClwb, "clwb", kM, true, true, false, kS, "clwb MAP OFF len=L [expect=SIGNAL|ok]"},
    {OpCode::kSfence, "sfence", kN, false, false, false, 0, "sfence"},
    {OpCode::kMsync, "msync", kM, true, true, false, kE, "msync MAP OFF len=L [expect=ERRNO|ok]"},
    {OpCode::kMadviseDontneed, "madvise_dontneed", kM, true, true, false, kE,
     "madvise_dontneed MAP OFF len=L [expect=ERRNO|ok]"},
    {OpCode::kPin, "pin", kM, true, true, false, kE,
     "pin MAP OFF len=L [ro|rw] [fast|slow] [longterm] [expect=ERRNO|ok]"},
    {OpCode::kUnpin, "unpin", kM, true, true, false, 0, "unpin MAP OFF len=L [val=VALUE]"},
    {OpCode::kPoison, "poison", kM, true, false, false, kE, "poison MAP OFF [expect=ERRNO|ok]"},
    {OpCode::kRead, "read", kF, true, true, false, kB | kE | kR,
     "read [FILE] OFF len=L [to=MAP+OFF] [expect=VALUE|ERRNO|ok] [ret=N]"},
    {OpCode::kWrite, "write", kF, true, true, true, kE | kR,
     "write [FILE] OFF len=L val=VALUE|from=MAP+OFF [expect=ERRNO|ok] [ret=N]"},
    {OpCode::kFallocate, "falloc", kF, true, true, false, kE,
     "falloc [FILE] OFF len=L [expect=ERRNO|ok]"},
    {OpCode::kPunchHole, "punch", kF, true, true, false, kE,
     "punch [FILE] OFF len=L [expect=ERRNO|ok]"},
    {OpCode::kZeroRange, "zero_range", kF, true, true, false, kE,
     "zero_range [FILE] OFF len=L [expect=ERRNO|ok]"},
    {OpCode::kTruncate, "truncate", kF, true, false, false, kE,
     "truncate [FILE] SIZE [expect=ERRNO|ok]"},
    {OpCode::kFsync, "fsync", kF, false, false, false, kE, "fsync [FILE] [expect=ERRNO|ok]"},
    {OpCode::kSize, "size", kF, false, false, false, kExpectSize | kExpectErrno,
     "size [FILE] [expect=N|ERRNO]"},
    {OpCode::kInjectBadBlock, "badblock", kF, true, false, false, 0, "badblock [FILE] OFF"},
    {OpCode::kScrub, "scrub", kN, false, false, false, 0, "scrub"},
    {OpCode::kUnbind, "unbind", kN, false, false, false, 0, "unbind"},
    {OpCode::kCrash, "crash", kN, false, false, false, 0, "crash"},
    {OpCode::kBarrier, "barrier", Target::kBarrier, false, false, false, 0, "barrier NAME"},
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

std::string ErrnoName(absl::string_view name) {
  if (name.size() < 2 || name[0] != 'E') return "";
  for (int e = 1; e < 256; ++e) {
    const char* n = strerrorname_np(e);
    if (n != nullptr && name == n) return n;
  }
  return "";
}

bool IsFlagWord(absl::string_view text) {
  return text == "shared" || text == "private" || text == "sync" || text == "ro" || text == "rw" ||
         text == "fast" || text == "slow" || text == "longterm";
}

bool IsName(absl::string_view text) {
  if (text.empty() || !(absl::ascii_isalpha(text[0]) || text[0] == '_')) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return !IsFlagWord(text);
}

}  // namespace daxsim::models::workload::text_internal
