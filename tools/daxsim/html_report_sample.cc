// Writes a sample HTML report to argv[1]: a verdict table (an ok row, a failing row linked to
// its counterexample), a bar chart, one counterexample with explanation, swimlane and Perfetto
// link. For html_report_browser_test.sh, and to look at the page by hand.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/daxsim/html_report.h"

namespace daxsim::cli {
namespace {

HtmlTable VerdictTable() {
  HtmlTable t;
  t.caption = "Verdicts";
  t.header = {"scenario", "verdict", "executions", "wall s"};
  t.rows = {{"ext4/fault_vs_fault", "ok", "1200", "0.41"},
            {"xfs/fault_vs_truncate", "FAIL", "37", "0.02"}};
  t.row_class = {"ok", "fail"};
  t.row_link = {"", "xfs/fault_vs_truncate"};
  return t;
}

HtmlBarChart StepsChart() {
  HtmlBarChart c;
  c.title = "Cost of a fault";
  c.unit = "steps per fault";
  c.bars = {{"ext4/fault_vs_fault", 42}, {"xfs/fault_vs_truncate", 57.5}, {"pmd/downgrade", 12}};
  return c;
}

// `s` padded with spaces to `width` columns (ASCII).
std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// A swimlane wider than any window (~230 columns): the page must scroll it, not wrap it.
std::string Swimlane() {
  constexpr size_t kLaneWidth = 72;
  std::string lane = "step | " + Pad("T0 (fault)", kLaneWidth) + "| T1 (truncate)\n";
  for (int step = 0; step < 6; ++step) {
    const bool t0 = step % 2 == 0;
    const std::string left = t0 ? "dax_iomap_pte_fault: grab_mapping_entry(index=0) -> locked" : "";
    const std::string right =
        t0 ? "" : "truncate_inode_pages_range -> dax_delete_mapping_entry(index=0)";
    lane += absl::StrCat("  ", step, "  | ", Pad(left, kLaneWidth), "| ", Pad(right, 80),
                         std::string(70, '.'), "\n");
  }
  return lane;
}

HtmlCounterexample Counterexample() {
  HtmlCounterexample cx;
  cx.id = "xfs/fault_vs_truncate";
  cx.title = "xfs/fault_vs_truncate: stale-mapping (I1)";
  cx.token = "v1:xfs/fault_vs_truncate:3a9f0c";
  cx.explanation =
      "T0 faults page 0 and installs a PTE after T1 truncated the file:\n"
      "the mapping points at a block that no longer belongs to the file (invariant I1).";
  cx.swimlane = Swimlane();
  cx.perfetto_href = "xfs_fault_vs_truncate.trace.json";
  return cx;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: html_report_sample OUT.html\n");
    return 2;
  }
  HtmlPage page;
  page.title = "daxsim check: sample report";
  page.summary = {"2 scenarios, 1 FAIL", "1237 executions, 1 violation"};
  page.tables = {VerdictTable()};
  page.charts = {StepsChart()};
  page.counterexamples = {Counterexample()};
  const absl::Status s = WriteHtml(argv[1], page);
  if (!s.ok()) {
    std::fprintf(stderr, "html_report_sample: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace daxsim::cli

int main(int argc, char** argv) { return daxsim::cli::Main(argc, argv); }
