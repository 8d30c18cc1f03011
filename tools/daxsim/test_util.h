// Shared by the CLI tests: run RunCli() in-process and capture its exit code and output; read
// files; find per-test temporary paths.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/daxsim/cli.h"

namespace daxsim::cli::test_util {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

inline Outcome Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunCli(std::move(args), out, err);
  return {code, out.str(), err.str()};
}

inline std::string TmpPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string LastLine(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

}  // namespace daxsim::cli::test_util
