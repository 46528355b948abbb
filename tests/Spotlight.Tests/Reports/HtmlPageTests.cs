using Spotlight.IO;
using Spotlight.Reports;
using Spotlight.Tests.Checkpoints;

namespace Spotlight.Tests.Reports;

public class HtmlPageTests
{
    [Fact]
    public void Text_title_and_heading_are_escaped_and_markup_is_kept()
    {
        var html = new HtmlPage("a <b> & \"c\"").Heading("<h1>").Paragraph("x < y").Text("'q'").Markup("<em>kept</em>").ToHtml();
        Assert.Contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>", html);
        Assert.Contains("<h1>&lt;h1&gt;</h1>", html);
        Assert.Contains("<p>x &lt; y</p>", html);
        Assert.Contains("&#39;q&#39;", html);
        Assert.Contains("<em>kept</em>", html);
    }

    [Fact]
    public void Every_page_has_one_doctype_one_stylesheet_and_its_scripts_after_the_content()
    {
        var html = new HtmlPage("t").Script("let a = 1;").Markup("<p id=\"last\"></p>").ToHtml();
        Assert.StartsWith("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<style>"));
        Assert.Contains($"<style>{ReportStyle.Css}</style>", html);
        Assert.True(html.IndexOf("<p id=\"last\">", StringComparison.Ordinal) < html.IndexOf("<script>let a = 1;</script>", StringComparison.Ordinal));
        Assert.EndsWith("</body></html>", html);
    }

    [Fact]
    public void A_script_that_would_close_its_tag_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new HtmlPage("t").Script("a = '</SCRIPT>';"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HtmlPage("t").Heading("x", 7));
    }

    [Fact]
    public void Writing_replaces_the_page_at_once_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("index.html");
        File.WriteAllText(path, "old");
        Assert.Equal(path, new HtmlPage("new").Paragraph("fresh").Write(path));
        Assert.Contains("<p>fresh</p>", File.ReadAllText(path));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => Path.GetFileName(f).StartsWith(AtomicFile.TempPrefix));
    }
}
