// The static HTML report (see html_report.h): page skeleton with inline CSS and the layout probe
// script, tables, SVG bar charts and counterexample sections, all escaped and deterministic.
#include "tools/daxsim/html_report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace daxsim::cli {
namespace {

// Blocks every fetch the page could make (fonts, images, scripts, styles by URL): only inline
// style and script run. Links to the trace files still work, navigation is not a fetch.
constexpr char kCsp[] = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

constexpr char kStyle[] = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}
p.summary{margin:.1em 0}
table{border-collapse:collapse;margin:1em 0}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top;overflow-wrap:anywhere;max-width:32em}
th{background:#f0f0f0}
tr.ok td{background:#e8f5e9}
tr.fail td{background:#ffebee}
tr.found td{background:#fff8e1}
figure{margin:1em 0}
figcaption{font-weight:600}
svg.chart{max-width:100%;height:auto}
svg.chart rect.bar{fill:#5c85d6}
svg.chart text{font:12px system-ui,sans-serif;fill:#1b1b1b}
section.cx{border-top:2px solid #999;margin-top:1.5em;padding-top:.5em}
section.cx h2{font-size:1.2em;margin:.2em 0}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.5em;overflow-x:auto;white-space:pre}
pre.explanation{white-space:pre-wrap}
summary{cursor:pointer;font-weight:600}
code{background:#f0f0f0;padding:0 .2em}
)css";

// Runs on load; records what the browser laid out (html_report.h says why).
constexpr char kProbeScript[] = R"js(
window.addEventListener('load', function () {
  var rows = document.querySelectorAll('table > tbody > tr').length;
  var shown = 0;
  document.querySelectorAll('section.cx').forEach(function (s) {
    var pres = s.querySelectorAll('pre');
    var ok = pres.length > 0;
    pres.forEach(function (p) {
      var seen = !p.checkVisibility || p.checkVisibility();  // false inside a closed <details>
      if (!(p.getBoundingClientRect().height > 0 && seen)) ok = false;
    });
    if (ok) shown++;
  });
  document.body.setAttribute('data-table-rows', String(rows));
  document.body.setAttribute('data-counterexamples', String(shown));
  document.body.setAttribute('data-rendered', '1');
});
)js";

// Bar chart geometry, in SVG user units (px at scale 1).
constexpr int kRowHeight = 22;
constexpr int kBarHeight = 16;
constexpr int kCharWidth = 7;  // rough width of one label character at 12px
constexpr int kLabelCharsMax = 40;
constexpr int kBarAreaWidth = 420;
constexpr int kValueAreaWidth = 110;

// The element of `v` at `i`, or "" past its end (the per-row vectors may be short).
const std::string& At(const std::vector<std::string>& v, size_t i) {
  static const std::string kEmpty;
  return i < v.size() ? v[i] : kEmpty;
}

// The href for a trace link: relative, since a value with a scheme gets a "./" prefix.
std::string SafeHref(std::string_view href) {
  const size_t colon = href.find(':');
  const size_t path_start = href.find_first_of("/?#");
  if (colon != std::string_view::npos && colon < path_start) return "./" + std::string(href);
  return std::string(href);
}

// `s` cut to at most `chars_max` bytes (not inside a UTF-8 sequence), with "..." when cut.
std::string Truncate(const std::string& s, size_t chars_max) {
  if (s.size() <= chars_max) return s;
  size_t n = chars_max - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

// Per counterexample, its unique anchor; and per raw id, the anchor of its first holder.
struct Anchors {
  std::vector<std::string> of_cx;
  std::map<std::string, std::string> by_id;
};

Anchors AssignAnchors(const std::vector<HtmlCounterexample>& cxs) {
  Anchors a;
  std::set<std::string> used;
  for (const HtmlCounterexample& cx : cxs) {
    const std::string base = HtmlAnchor(cx.id);
    std::string anchor = base;
    for (int n = 2; used.contains(anchor); ++n) anchor = absl::StrCat(base, "-", n);
    used.insert(anchor);
    a.of_cx.push_back(anchor);
    a.by_id.emplace(cx.id, anchor);  // keeps the first holder of a repeated id
  }
  return a;
}

void AppendRow(std::string* out, const HtmlTable& t, size_t r, const Anchors& anchors) {
  const std::string& cls = At(t.row_class, r);
  if (cls.empty()) {
    *out += "<tr>";
  } else {  // sanitized like an anchor: a class name never carries markup
    absl::StrAppend(out, "<tr class=\"", HtmlEscape(HtmlAnchor(cls)), "\">");
  }
  const auto link = anchors.by_id.find(At(t.row_link, r));
  const bool linked = !At(t.row_link, r).empty() && link != anchors.by_id.end();
  for (size_t c = 0; c < t.rows[r].size(); ++c) {
    const std::string text = HtmlEscape(t.rows[r][c]);
    if (c == 0 && linked) {
      absl::StrAppend(out, "<td><a href=\"#", HtmlEscape(link->second), "\">", text, "</a></td>");
    } else {
      absl::StrAppend(out, "<td>", text, "</td>");
    }
  }
  *out += "</tr>\n";
}

void AppendTable(std::string* out, const HtmlTable& t, const Anchors& anchors) {
  *out += "<table>\n";
  if (!t.caption.empty()) absl::StrAppend(out, "<caption>", HtmlEscape(t.caption), "</caption>\n");
  if (!t.header.empty()) {
    *out += "<thead><tr>";
    for (const std::string& h : t.header) absl::StrAppend(out, "<th>", HtmlEscape(h), "</th>");
    *out += "</tr></thead>\n";
  }
  *out += "<tbody>\n";
  for (size_t r = 0; r < t.rows.size(); ++r) AppendRow(out, t, r, anchors);
  *out += "</tbody>\n</table>\n";
}

// One bar, row `i`: its label (right-aligned, cut to kLabelCharsMax), the bar and the value.
void AppendBar(std::string* out, const std::string& label, double value, size_t i, int label_width,
               double value_max) {
  const bool drawable = std::isfinite(value) && value > 0 && value_max > 0;
  const double bar_width = drawable ? kBarAreaWidth * value / value_max : 0;
  const int y = static_cast<int>(i) * kRowHeight + 4;
  const int baseline = y + kBarHeight - 3;
  const std::string value_text = absl::StrFormat("%.6g", value);
  absl::StrAppendFormat(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_width - 6,
                        baseline);
  absl::StrAppend(out, "<title>", HtmlEscape(label), "</title>",
                  HtmlEscape(Truncate(label, kLabelCharsMax)), "</text>");
  absl::StrAppendFormat(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\">",
                        label_width, y, bar_width, kBarHeight);
  absl::StrAppend(out, "<title>", HtmlEscape(label), ": ", HtmlEscape(value_text),
                  "</title></rect>");
  absl::StrAppendFormat(out, "<text x=\"%.1f\" y=\"%d\">", label_width + bar_width + 6, baseline);
  absl::StrAppend(out, HtmlEscape(value_text), "</text>\n");
}

void AppendChart(std::string* out, const HtmlBarChart& chart) {
  size_t label_chars = 4;
  double value_max = 0;
  for (const auto& [label, value] : chart.bars) {
    label_chars = std::max(label_chars, std::min<size_t>(label.size(), kLabelCharsMax));
    if (std::isfinite(value)) value_max = std::max(value_max, value);
  }
  const int label_width = static_cast<int>(label_chars) * kCharWidth + 12;
  const int width = label_width + kBarAreaWidth + kValueAreaWidth;
  const int height = static_cast<int>(chart.bars.size()) * kRowHeight + 8;
  const std::string caption =
      chart.unit.empty() ? chart.title : absl::StrCat(chart.title, " (", chart.unit, ")");
  absl::StrAppend(out, "<figure>\n<figcaption>", HtmlEscape(caption), "</figcaption>\n");
  // No xmlns: the HTML parser puts inline <svg> in the SVG namespace by itself.
  absl::StrAppendFormat(
      out, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
      width, height, width, height);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    AppendBar(out, chart.bars[i].first, chart.bars[i].second, i, label_width, value_max);
  }
  *out += "</svg>\n</figure>\n";
}

void AppendCounterexample(std::string* out, const HtmlCounterexample& cx,
                          const std::string& anchor) {
  absl::StrAppend(out, "<section class=\"cx\" id=\"", HtmlEscape(anchor), "\">\n");
  absl::StrAppend(out, "<h2>", HtmlEscape(cx.title), "</h2>\n");
  if (!cx.token.empty()) {
    absl::StrAppend(out, "<p>Replay: <code>daxsim replay ", HtmlEscape(cx.token), "</code></p>\n");
  }
  if (!cx.explanation.empty()) {
    absl::StrAppend(out, "<pre class=\"explanation\">", HtmlEscape(cx.explanation), "</pre>\n");
  }
  if (!cx.swimlane.empty()) {
    absl::StrAppend(out, "<details open><summary>Swimlane</summary>\n<pre class=\"swimlane\">",
                    HtmlEscape(cx.swimlane), "</pre>\n</details>\n");
  }
  if (!cx.perfetto_href.empty()) {
    const std::string href = HtmlEscape(SafeHref(cx.perfetto_href));
    absl::StrAppend(out, "<p>Trace: <a href=\"", href, "\">", HtmlEscape(cx.perfetto_href),
                    "</a> (Chrome trace JSON): open it in ui.perfetto.dev (Open trace file) or ",
                    "chrome://tracing.</p>\n");
  }
  *out += "</section>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HtmlAnchor(std::string_view id) {
  if (id.empty()) return "cx";
  std::string out(id);
  for (char& c : out) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    if (!keep) c = '_';
  }
  return out;
}

std::string RenderHtml(const HtmlPage& page) {
  const Anchors anchors = AssignAnchors(page.counterexamples);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  absl::StrAppend(&out, "<meta http-equiv=\"Content-Security-Policy\" content=\"", kCsp, "\">\n");
  absl::StrAppend(&out, "<meta name=\"viewport\" content=\"width=device-width\">\n");
  absl::StrAppend(&out, "<title>", HtmlEscape(page.title), "</title>\n");
  absl::StrAppend(&out, "<style>", kStyle, "</style>\n</head>\n<body>\n");
  absl::StrAppend(&out, "<h1>", HtmlEscape(page.title), "</h1>\n");
  for (const std::string& line : page.summary) {
    absl::StrAppend(&out, "<p class=\"summary\">", HtmlEscape(line), "</p>\n");
  }
  for (const HtmlTable& t : page.tables) AppendTable(&out, t, anchors);
  for (const HtmlBarChart& c : page.charts) AppendChart(&out, c);
  for (size_t i = 0; i < page.counterexamples.size(); ++i) {
    AppendCounterexample(&out, page.counterexamples[i], anchors.of_cx[i]);
  }
  absl::StrAppend(&out, "<script>", kProbeScript, "</script>\n</body>\n</html>\n");
  return out;
}

absl::Status WriteHtml(const std::string& path, const HtmlPage& page) {
  const std::string html = RenderHtml(page);
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    return absl::UnavailableError("cannot open HTML report '" + path +
                                  "': " + std::strerror(errno));
  }
  const bool ok = std::fwrite(html.data(), 1, html.size(), f) == html.size();
  if (std::fclose(f) != 0 || !ok) {
    return absl::UnavailableError("cannot write HTML report '" + path +
                                  "': " + std::strerror(errno));
  }
  return absl::OkStatus();
}

}  // namespace daxsim::cli
