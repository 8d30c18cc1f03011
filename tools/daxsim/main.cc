// daxsim: the command-line entry point; everything but main() lives in //tools/daxsim:cli.
#include <iostream>
#include <string>
#include <vector>

#include "tools/daxsim/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const int code = daxsim::cli::RunCli(std::move(args), std::cout, std::cerr);
  std::cout.flush();
  return code;
}
