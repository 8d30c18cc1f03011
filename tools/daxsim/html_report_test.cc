// The HTML report renderer: escaping, anchors and links, chart bars, no external URLs, write
// errors, determinism. html_report_browser_test.sh checks the page in a real browser.
#include "tools/daxsim/html_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace daxsim::cli {
namespace {

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

HtmlPage SamplePage() {
  HtmlPage page;
  page.title = "report <b>&\"'";
  page.summary = {"line <b>&\"'"};
  HtmlTable t;
  t.caption = "cap <b>&\"'";
  t.header = {"scenario", "verdict <b>&\"'"};
  t.rows = {{"a/ok", "ok"}, {"x/<b>&\"'", "FAIL"}, {"unlinked", "found"}};
  t.row_class = {"ok", "fail\" onclick=\"x"};
  t.row_link = {"", "xfs/fault vs<truncate>", "no-such-id"};
  page.tables = {t};
  page.charts = {
      HtmlBarChart{"chart <b>&\"'", "steps <b>", {{"<b>&\"'", 3}, {"b", 1.5}, {"c", 0}}}};
  page.counterexamples = {HtmlCounterexample{"xfs/fault vs<truncate>", "title <b>&\"'",
                                             "tok<b>&\"'", "why <b>&\"'", "lane <b>&\"'",
                                             "trace <b>&\"'.json"}};
  return page;
}

TEST(HtmlReportTest, EscapesEverything) {
  EXPECT_EQ(HtmlEscape("<b>&\"'x"), "&lt;b&gt;&amp;&quot;&#39;x");
  const std::string html = RenderHtml(SamplePage());
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("&\""), std::string::npos);
  EXPECT_EQ(html.find("\"'"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"fail__onclick__x\">"), std::string::npos) << "sanitized";
  // Every field of SamplePage() carries the cell, escaped (some more than once).
  EXPECT_GE(Count(html, "&lt;b&gt;&amp;&quot;&#39;"), 10);
  EXPECT_NE(html.find("daxsim replay tok&lt;b&gt;&amp;&quot;&#39;"), std::string::npos);
}

TEST(HtmlReportTest, AnchorsAreSanitizedAndLinked) {
  EXPECT_EQ(HtmlAnchor("xfs/fault vs<truncate>"), "xfs_fault_vs_truncate_");
  EXPECT_EQ(HtmlAnchor("ok_id-1"), "ok_id-1");
  EXPECT_EQ(HtmlAnchor(""), "cx");
  const std::string html = RenderHtml(SamplePage());
  EXPECT_NE(html.find("<section class=\"cx\" id=\"xfs_fault_vs_truncate_\">"), std::string::npos);
  EXPECT_NE(html.find("<td><a href=\"#xfs_fault_vs_truncate_\">x/&lt;b&gt;"), std::string::npos);
  EXPECT_EQ(Count(html, "href=\"#"), 1) << "a link to a missing counterexample is dropped";
  EXPECT_NE(html.find("<td>unlinked</td>"), std::string::npos);
}

TEST(HtmlReportTest, CollidingAnchorsStayUnique) {
  HtmlPage page;
  page.counterexamples = {{"a/b", "first"}, {"a_b", "second"}, {"a/b", "third"}};
  page.tables = {HtmlTable{"", {"x"}, {{"1"}, {"2"}}, {}, {"a/b", "a_b"}}};
  const std::string html = RenderHtml(page);
  EXPECT_NE(html.find("id=\"a_b\""), std::string::npos);
  EXPECT_NE(html.find("id=\"a_b-2\""), std::string::npos);
  EXPECT_NE(html.find("id=\"a_b-3\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#a_b\">1</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#a_b-2\">2</a>"), std::string::npos);
}

TEST(HtmlReportTest, ChartHasOneRectPerBar) {
  HtmlPage page;
  page.charts = {HtmlBarChart{"t", "u", {{"a", 1}, {"b", 2}, {"c", -1}, {"d", 4}, {"e", 0}}}};
  const std::string html = RenderHtml(page);
  EXPECT_EQ(Count(html, "<rect"), 5);
  EXPECT_EQ(Count(html, "<svg"), 1);
  EXPECT_NE(html.find("width=\"420.0\""), std::string::npos) << "largest bar fills the area";
  EXPECT_NE(html.find("width=\"0.0\""), std::string::npos) << "negative and zero bars are empty";
}

TEST(HtmlReportTest, NoExternalUrls) {
  HtmlPage page = SamplePage();
  page.counterexamples[0].perfetto_href = "traces/cx.json";
  const std::string html = RenderHtml(page);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"traces/cx.json\">"), std::string::npos);
  EXPECT_NE(html.find("ui.perfetto.dev (Open trace file) or chrome://tracing"), std::string::npos);
}

TEST(HtmlReportTest, TraceLinkWithSchemeIsMadeRelative) {
  HtmlPage page;
  page.counterexamples = {{"a", "t", "", "", "", "javascript:alert(1)"}};
  EXPECT_NE(RenderHtml(page).find("href=\"./javascript:alert(1)\""), std::string::npos);
  page.counterexamples[0].perfetto_href = "";
  EXPECT_EQ(RenderHtml(page).find("perfetto"), std::string::npos) << "no href, no link";
}

TEST(HtmlReportTest, WriteErrorNamesThePath) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/no/such/dir/page.html";
  const absl::Status s = WriteHtml(path, SamplePage());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path), std::string::npos) << s;
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s;
}

TEST(HtmlReportTest, WritesWhatItRenders) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/page.html";
  ASSERT_TRUE(WriteHtml(path, SamplePage()).ok());
  std::FILE* f = std::fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string got;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) got.append(buf, n);
  std::fclose(f);
  EXPECT_EQ(got, RenderHtml(SamplePage()));
}

TEST(HtmlReportTest, Deterministic) {
  EXPECT_EQ(RenderHtml(SamplePage()), RenderHtml(SamplePage()));
  const std::string html = RenderHtml(SamplePage());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_NE(html.find("data-rendered"), std::string::npos);
}

}  // namespace
}  // namespace daxsim::cli
