using System.Net;
using System.Text;
using Spotlight.IO;

namespace Spotlight.Reports;

/// <summary>
/// A self-contained HTML page (one file, inline style and script, nothing fetched from elsewhere, works offline):
/// the doctype and head, the one stylesheet of every Spotlight page (<see cref="ReportStyle"/>), a body that text
/// enters escaped (<see cref="Text"/>, <see cref="Heading"/>, <see cref="Paragraph"/>) and markup enters as it is
/// (<see cref="Markup"/>), scripts at the end, and an atomic write (readers never see half a page).
/// </summary>
public sealed class HtmlPage(string title)
{
    private readonly StringBuilder body = new();
    private readonly StringBuilder scripts = new();

    public string Title { get; } = title;

    /// <summary>Text as HTML: &lt; &gt; &amp; and both quotes escaped, so the result is safe in content and in attribute values.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public HtmlPage Heading(string text, int level = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 6);
        return Markup($"<h{level}>{Escape(text)}</h{level}>");
    }

    public HtmlPage Paragraph(string text) => Markup($"<p>{Escape(text)}</p>");

    /// <summary>Plain text, escaped.</summary>
    public HtmlPage Text(string text) => Markup(Escape(text));

    /// <summary>A table of text (every cell escaped); the first column is left-aligned (it names the row).</summary>
    public HtmlPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var html = new StringBuilder("<table><tr>");
        for (int i = 0; i < header.Count; i++) html.Append(i == 0 ? "<th class=\"l\">" : "<th>").Append(Escape(header[i])).Append("</th>");
        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Count; i++) html.Append(i == 0 ? "<td class=\"l\">" : "<td>").Append(Escape(row[i])).Append("</td>");
            html.Append("</tr>");
        }
        return Markup(html.Append("</table>").ToString());
    }

    /// <summary>A PNG shown inline (a data URI, so the page stays one file) with an escaped caption.</summary>
    public HtmlPage Figure(byte[] png, string caption) =>
        Markup($"<figure><img src=\"{DataUri.Png(png)}\" alt=\"{Escape(caption)}\"><figcaption>{Escape(caption)}</figcaption></figure>");

    /// <summary>Markup as it is: the caller escapes any text inside it (<see cref="Escape"/>).</summary>
    public HtmlPage Markup(string html)
    {
        body.Append(html);
        return this;
    }

    /// <summary>A script, placed after the body's content so that it finds every element.</summary>
    public HtmlPage Script(string javascript)
    {
        if (javascript.Contains("</script", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("a script cannot contain '</script'", nameof(javascript));
        scripts.Append("<script>").Append(javascript).Append("</script>");
        return this;
    }

    /// <summary>The body's markup so far, to place into another page (a table built here under a page's heading).</summary>
    public string BodyMarkup => body.ToString();

    public string ToHtml() =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Escape(Title)}</title><style>{ReportStyle.Css}</style></head>" +
        $"<body>{body}{scripts}</body></html>";

    /// <summary>Writes the page atomically (a temporary sibling, then one rename); returns <paramref name="path"/>.</summary>
    public string Write(string path)
    {
        AtomicFile.WriteAllText(path, ToHtml());
        return path;
    }
}
