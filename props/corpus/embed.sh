#!/bin/sh
# Writes a C++ source defining SeedCorpus() from the .wl files given (sorted by name).
out="$1"; shift
{
  echo '#include "props/corpus/corpus.h"'
  echo 'namespace daxsim::props {'
  echo 'const std::vector<std::pair<std::string, std::string>>& SeedCorpus() {'
  echo '  static const auto* const c = new std::vector<std::pair<std::string, std::string>>{'
  for f in $(printf '%s\n' "$@" | sort); do
    printf '      {"%s", R"daxsim(' "$(basename "$f")"
    cat "$f"
    printf ')daxsim"},\n'
  done
  echo '  };'
  echo '  return *c;'
  echo '}'
  echo '}  // namespace daxsim::props'
} > "$out"
