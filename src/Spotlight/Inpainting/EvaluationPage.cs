using System.Globalization;
using System.Net;
using System.Text;
using Spotlight.IO;

namespace Spotlight.Inpainting;

/// <summary>The evaluation as a self-contained HTML page: the table per hole-ratio bin and side-by-side examples.</summary>
public static class EvaluationPage
{
    public static void Write(string path, InpaintingEvaluationResult result, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>");
        html.Append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}")
            .Append("td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}")
            .Append("img{width:128px;height:128px;image-rendering:pixelated}td.l{text-align:left}</style></head><body>");
        html.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>");
        html.Append("<p>Masks: ").Append(result.Masks).Append(". Hole MAE×100 on [0,1] over hole pixels; PSNR and SSIM on the whole composited image; SSIM window ")
            .Append(result.Ssim.Describe()).Append(result.HasPenNetSsim ? "; SSIM-51 uses PEN-Net's uniform 51×51 window" : "").Append(".</p>");
        html.Append(Table(result));
        html.Append("<h2>Examples</h2><table><tr><th>image</th><th>input</th>");
        foreach (var m in result.Methods) html.Append("<th>").Append(WebUtility.HtmlEncode(m)).Append("</th>");
        html.Append("<th>ground truth</th></tr>");
        foreach (var ex in result.Examples)
        {
            var masked = InpaintingModel.Composite(ex.Truth, new Vision.RgbImage(ex.Truth.Width, ex.Truth.Height, Enumerable.Repeat((byte)255, ex.Truth.Data.Length).ToArray()), ex.Hole);
            html.Append("<tr><td class=\"l\">").Append(WebUtility.HtmlEncode(ex.Name)).Append("<br>hole ")
                .Append((ex.Hole.Ratio * 100).ToString("F1", CultureInfo.InvariantCulture)).Append("%</td>");
            foreach (var image in new[] { masked }.Concat(ex.Filled).Append(ex.Truth))
                html.Append("<td><img src=\"").Append(AttentionReport.DataUri(AttentionReport.Png(image))).Append("\"></td>");
            html.Append("</tr>");
        }
        html.Append("</table></body></html>");
        AtomicFile.WriteAllText(path, html.ToString());
    }

    /// <summary>The table as HTML rows: one block per bin, one row per method.</summary>
    public static string Table(InpaintingEvaluationResult result)
    {
        var html = new StringBuilder("<table><tr><th>hole ratio</th><th>method</th><th>images</th><th>hole MAE×100 ↓</th><th>PSNR (dB) ↑</th><th>SSIM ↑</th>");
        if (result.HasPenNetSsim) html.Append("<th>SSIM-51 ↑</th>");
        html.Append("</tr>");
        foreach (var group in result.Rows.GroupBy(r => r.Bin?.ToString() ?? "all"))
            foreach (var row in group)
            {
                html.Append("<tr><td class=\"l\">").Append(group.Key).Append("</td><td class=\"l\">").Append(WebUtility.HtmlEncode(row.Method))
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
