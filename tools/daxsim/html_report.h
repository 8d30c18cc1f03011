// A self-contained static HTML report: verdict tables, horizontal bar charts (inline SVG) and
// counterexamples (replay command, explanation, swimlane, Perfetto trace link). A pure renderer:
// inline CSS, one tiny inline script, no external resources, every text HTML-escaped, and the
// same input always gives the same bytes (no clocks, no hash-map order).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace daxsim::cli {

struct HtmlTable {
  std::string caption;                         // "" for none
  std::vector<std::string> header;             // column names; empty for no <thead>
  std::vector<std::vector<std::string>> rows;  // cells, plain text (escaped by the renderer)
  // Per row: "ok", "fail", "found" or "" (colours the row). May be shorter than `rows`, or empty.
  std::vector<std::string> row_class;
  // Per row: id of a counterexample on the page (HtmlCounterexample::id, unsanitized) to link
  // the first cell to, or "". An id that names no counterexample on the page gives no link. May
  // be shorter than `rows`, or empty.
  std::vector<std::string> row_link;
};

// Horizontal bars, drawn as inline SVG (no JS, no network): one <rect> per bar, scaled to the
// largest value; negative or non-finite values draw an empty bar.
struct HtmlBarChart {
  std::string title;
  std::string unit;                                  // e.g. "steps per fault"
  std::vector<std::pair<std::string, double>> bars;  // label, value; drawn in this order
};

struct HtmlCounterexample {
  // Anchor: sanitized to [A-Za-z0-9_-] (anything else becomes '_'); if two counterexamples
  // sanitize to the same anchor, the later one gets "-2", "-3", ... so anchors stay unique.
  std::string id;
  std::string title;  // e.g. "xfs/fault_vs_truncate: stale-mapping (I1)"
  std::string token;  // replay token, shown with the command `daxsim replay TOKEN`; "" for none
  std::string explanation;  // preformatted text
  std::string swimlane;     // preformatted text; may be 200+ chars wide (scrolls, never wraps)
  // Relative link to a Chrome trace JSON file, or "" (then no link). A value that looks like
  // it has a scheme ("javascript:", "https:") is made relative with a "./" prefix.
  std::string perfetto_href;
};

struct HtmlPage {
  std::string title;
  std::vector<std::string> summary;  // lines under the title
  std::vector<HtmlTable> tables;
  std::vector<HtmlBarChart> charts;
  std::vector<HtmlCounterexample> counterexamples;
};

// The whole page, deterministic: the same input gives the same bytes. On load, its script sets
// on <body> what the browser laid out: data-rendered="1", data-table-rows (the <tbody> rows of
// every table) and data-counterexamples (the counterexample sections whose every <pre> has a
// laid-out height > 0 and is visible, i.e. not inside a closed <details>), so a test can tell a
// real rendering from a mere parse.
std::string RenderHtml(const HtmlPage& page);

// Writes RenderHtml(page) to `path`; on failure an error whose one-line message names the path.
absl::Status WriteHtml(const std::string& path, const HtmlPage& page);

// `s` with & < > " ' replaced by character references: safe in text and in quoted attributes.
std::string HtmlEscape(std::string_view s);

// `id` as an anchor: every character outside [A-Za-z0-9_-] becomes '_'; "" becomes "cx".
std::string HtmlAnchor(std::string_view id);

}  // namespace daxsim::cli
