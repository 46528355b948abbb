using System.Globalization;
using System.Text;
using Spotlight.Reports;
using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>The evaluation as a self-contained HTML page: the table per hole-ratio bin and side-by-side examples.</summary>
public static class EvaluationPage
{
    public static void Write(string path, InpaintingEvaluationResult result, string title)
    {
        var page = new HtmlPage(title).Heading(title);
        page.Paragraph($"Masks: {result.Masks}. Hole MAE×100 on [0,1] over hole pixels; PSNR and SSIM on the whole composited image; SSIM window " +
            $"{result.Ssim.Describe()}{(result.HasPenNetSsim ? "; SSIM-51 uses PEN-Net's uniform 51×51 window" : "")}.");
        page.Markup(Table(result));
        var html = new StringBuilder("<h2>Examples</h2><table><tr><th>image</th><th>input</th>");
        foreach (var m in result.Methods) html.Append("<th>").Append(HtmlPage.Escape(m)).Append("</th>");
        html.Append("<th>ground truth</th></tr>");
        foreach (var ex in result.Examples)
        {
            var masked = Masked(ex);
            html.Append("<tr><td class=\"l\">").Append(HtmlPage.Escape(ex.Name)).Append("<br>hole ")
                .Append((ex.Hole.Ratio * 100).ToString("F1", CultureInfo.InvariantCulture)).Append("%</td>");
            foreach (var image in new[] { masked }.Concat(ex.Filled).Append(ex.Truth))
                html.Append("<td><img class=\"example\" src=\"").Append(DataUri.Png(image)).Append("\"></td>");
            html.Append("</tr>");
        }
        page.Markup(html.Append("</table>").ToString()).Write(path);
    }

    /// <summary>
    /// The examples as one picture for a README or a paper: a row per example, columns input (hole white), each
    /// method, ground truth, cells <paramref name="gap"/> pixels apart on white, each pixel drawn
    /// <paramref name="scale"/>×<paramref name="scale"/> so 64-pixel images stay visible.
    /// </summary>
    public static RgbImage ExampleGrid(InpaintingEvaluationResult result, int scale = 2, int gap = 4)
    {
        if (result.Examples.Count == 0) throw new SpotlightException("the evaluation kept no examples (--examples 0)");
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        var rows = result.Examples.Select(ex => new[] { Masked(ex) }.Concat(ex.Filled).Append(ex.Truth).ToList()).ToList();
        int cell = rows[0][0].Width * scale, columns = rows[0].Count;
        int width = columns * cell + (columns + 1) * gap, height = rows.Count * cell + (rows.Count + 1) * gap;
        var data = Enumerable.Repeat((byte)255, width * height * 3).ToArray();
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < columns; c++)
            {
                var image = rows[r][c];
                int left = gap + c * (cell + gap), top = gap + r * (cell + gap);
                for (int y = 0; y < cell; y++)
                    for (int x = 0; x < cell; x++)
                        Array.Copy(image.Data, ((y / scale) * image.Width + x / scale) * 3, data, ((top + y) * width + left + x) * 3, 3);
            }
        return new RgbImage(width, height, data);
    }

    private static RgbImage Masked(EvaluationExample ex) =>
        InpaintingModel.Composite(ex.Truth, new RgbImage(ex.Truth.Width, ex.Truth.Height, Enumerable.Repeat((byte)255, ex.Truth.Data.Length).ToArray()), ex.Hole);

    /// <summary>The table as HTML rows: one block per bin, one row per method.</summary>
    public static string Table(InpaintingEvaluationResult result)
    {
        var html = new StringBuilder("<table><tr><th>hole ratio</th><th>method</th><th>images</th><th>hole MAE×100 ↓</th><th>PSNR (dB) ↑</th><th>SSIM ↑</th>");
        if (result.HasPenNetSsim) html.Append("<th>SSIM-51 ↑</th>");
        html.Append("</tr>");
        foreach (var group in result.Rows.GroupBy(r => r.Bin?.ToString() ?? "all"))
            foreach (var row in group)
            {
                html.Append("<tr><td class=\"l\">").Append(group.Key).Append("</td><td class=\"l\">").Append(HtmlPage.Escape(row.Method))
                    .Append("</td><td>").Append(row.Images).Append("</td><td>").Append(F(row.HoleMae100, 2)).Append("</td><td>")
                    .Append(F(row.Psnr, 2)).Append("</td><td>").Append(F(row.Ssim, 4)).Append("</td>");
                if (result.HasPenNetSsim) html.Append("<td>").Append(row.SsimPenNet is double s ? F(s, 4) : "").Append("</td>");
                html.Append("</tr>");
            }
        return html.Append("</table>").ToString();
    }

    private static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    /// <summary>The same table in Markdown, for docs/results.md.</summary>
    public static string Markdown(InpaintingEvaluationResult result)
    {
        var md = new StringBuilder("| hole ratio | method | images | hole MAE×100 ↓ | PSNR (dB) ↑ | SSIM ↑ |");
        md.Append(result.HasPenNetSsim ? " SSIM-51 ↑ |\n" : "\n");
        md.Append("|---|---|---:|---:|---:|---:|").Append(result.HasPenNetSsim ? "---:|\n" : "\n");
        foreach (var group in result.Rows.GroupBy(r => r.Bin?.ToString() ?? "all"))
            foreach (var row in group)
            {
                md.Append($"| {group.Key} | {row.Method} | {row.Images} | {F(row.HoleMae100, 2)} | {F(row.Psnr, 2)} | {F(row.Ssim, 4)} |");
                md.Append(result.HasPenNetSsim ? $" {(row.SsimPenNet is double s ? F(s, 4) : "")} |\n" : "\n");
            }
        return md.ToString();
    }
}
