// `check --html=FILE` and `matrix --html=FILE`: the run as one static page (html_report.h).
// Each counterexample gets its explanation (daxsim explain), its full-width swimlane, and its
// Chrome trace JSON for Perfetto, written next to the page as FILE.traces/<id>.json and linked
// relatively, so the page and its traces can be archived as one CI artifact.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "tools/daxsim/check_report.h"
#include "tools/daxsim/matrix.h"

namespace daxsim::cli {

absl::Status WriteCheckHtml(const std::string& path, const CheckSummary& s);
absl::Status WriteMatrixHtml(const std::string& path, const MatrixResult& r);

}  // namespace daxsim::cli
