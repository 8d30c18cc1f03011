// Appending tokens to the failures file (see failures_file.h).
#include "tools/daxsim/failures_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace daxsim::cli {

std::string ResolveUserPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (wd == nullptr || wd[0] == '\0') return path;
  std::string dir = wd;
  if (dir.back() != '/') dir += '/';
  return dir + path;
}

absl::Status AppendTokens(const std::string& resolved_path,
                          const std::vector<std::string>& tokens) {
  if (tokens.empty()) return absl::OkStatus();
  std::FILE* f = std::fopen(resolved_path.c_str(), "a");
  if (f == nullptr) {
    return absl::UnavailableError("cannot open failures file '" + resolved_path +
                                  "': " + std::strerror(errno));
  }
  bool ok = true;
  for (const std::string& t : tokens) {
    ok = ok && std::fputs(t.c_str(), f) >= 0 && std::fputc('\n', f) != EOF;
  }
  const int saved = errno;
  ok = std::fflush(f) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    return absl::UnavailableError("cannot write failures file '" + resolved_path +
                                  "': " + std::strerror(saved != 0 ? saved : errno));
  }
  return absl::OkStatus();
}

}  // namespace daxsim::cli
