// The seed corpus of the generated phase (`daxsim check --suites=generated`, `daxsim fuzz`):
// workloads in the text format, checked in beside this file (*.wl) and compiled in, so the
// check runs the same workloads wherever the binary runs. A fuzz campaign's finds that reach
// new coverage are copied here to keep them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace daxsim::props {

// (file name, text) of every *.wl file of props/corpus, by file name.
const std::vector<std::pair<std::string, std::string>>& SeedCorpus();

}  // namespace daxsim::props
