// Pieces of the workload text form shared by the parser and the printer: the operation table
// (one row per OpCode: keyword, operands, keys) and the number and name lexicon. Not for use
// outside //models/workload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "models/workload/workload.h"

namespace daxsim::models::workload::text_internal {

// The syntax of one operation (mmap's flags and off= are handled by the parser itself).
struct OpSyntax {
  OpCode code;
  const char* name;   // keyword
  Target target;      // operand: none, MAP, or [FILE] (defaults to kDefaultFile)
  bool offset;        // a positional OFF (SIZE for truncate) follows the operand
  bool len;           // len= required (and nonzero)
  bool val;           // val= required (unpin: optional, see Parser::Keys)
  uint8_t expect;     // what expect= may say: a mask of kExpect* (0: no expect=)
  const char* usage;  // for "wrong operands" messages
};

// What an op's expect= may name.
inline constexpr uint8_t kExpectByte = 1;    // VALUE: every byte read
inline constexpr uint8_t kExpectSignal = 2;  // SIGBUS, SIGSEGV, ok
inline constexpr uint8_t kExpectErrno = 4;   // an errno name, ok
inline constexpr uint8_t kExpectRet = 8;     // ret=N allowed too (read, write)
inline constexpr uint8_t kExpectSize = 16;   // NUMBER: size's st_size

// The canonical errno name of `name` ("EIO"), or "" if glibc names no errno so.
std::string ErrnoName(absl::string_view name);

inline constexpr char kDefaultFile[] = "f";

const OpSyntax& SyntaxOf(OpCode code);
const OpSyntax* FindOp(absl::string_view name);  // nullptr if no op has this keyword

// NUMBER: decimal or 0x hex, optional K or M suffix. nullopt on bad syntax or overflow.
std::optional<uint64_t> ParseNumber(absl::string_view text);
// Canonical NUMBER for sizes and lengths (size=, len=, off=, extents, truncate's SIZE): below
// 1024 decimal, else `NM` or `NK` when exact, else 0x hex.
std::string FormatNumber(uint64_t value);
// Canonical NUMBER for positional offsets: 0, `NM` when exact, else 0x hex (0x1000, 0x1ff008).
std::string FormatOffset(uint64_t value);
// Canonical VALUE: 0x00..0xff.
std::string FormatByte(uint64_t value);

// [A-Za-z_][A-Za-z0-9_]* and not a flag word.
bool IsName(absl::string_view text);
// mmap flag words: shared private sync ro rw.
bool IsFlagWord(absl::string_view text);

}  // namespace daxsim::models::workload::text_internal
