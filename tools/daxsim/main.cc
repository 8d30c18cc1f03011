// daxsim: the command-line entry point; everything but main() lives in //tools/daxsim:cli.
#include <malloc.h>

#include <iostream>
#include <string>
#include <vector>

#include "tools/daxsim/cli.h"

int main(int argc, char** argv) {
  // Each execution builds and frees a whole world (page tables, pmem pages, histories): glibc's
  // default trimming gave the freed heap top back to the kernel after nearly every execution
  // and faulted it in again on the next, measured as a third of a generated `check` item's time
  // (brk + TLB flushes). Keep freed memory in the heap and big blocks out of mmap. Allocation
  // tuning only: the simulation's results do not depend on it.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  std::vector<std::string> args(argv + 1, argv + argc);
  const int code = daxsim::cli::RunCli(std::move(args), std::cout, std::cerr);
  std::cout.flush();
  return code;
}
