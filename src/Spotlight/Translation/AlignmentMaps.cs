using System.Text;
using SkiaSharp;
using Spotlight.Reports;

namespace Spotlight.Translation;

/// <summary>
/// Alignment maps in the style of Bahdanau et al. 2015 Fig. 3: one PNG per sentence, source subwords along x, target
/// subwords along y, each cell's grey level the attention weight (white = 1). index.html shows every PNG with the
/// sentence, its translation and the same matrix as an HTML table (readable even where no font is installed for
/// the PNG labels).
/// </summary>
public static class AlignmentMaps
{
    private const int Cell = 28, LabelSpace = 110;

    /// <summary>Writes sentence{i:D4}.png per result that has attention, and index.html; returns the index path.</summary>
    public static string Write(string directory, IReadOnlyList<TranslationResult> results)
    {
        Directory.CreateDirectory(directory);
        var html = new StringBuilder();
        for (int i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var best = result.Best;
            html.Append($"<figure class=\"alignment\"><p><b>source:</b> {Enc(result.Source)}<br><b>translation:</b> {Enc(best.Text)} " +
                $"<small>(log p = {best.LogProb:F2})</small></p>");
            if (best.Attention is null) { html.Append("<p>This model has no attention.</p></figure>"); continue; }
            var targetPieces = best.Pieces.Concat(best.Finished ? ["<end>"] : []).ToList();
            var name = $"sentence{i:D4}.png";
            WritePng(Path.Combine(directory, name), result.SourcePieces, targetPieces, best.Attention);
            html.Append($"<img src=\"{name}\" alt=\"attention of sentence {i + 1}\"><table class=\"alignment\"><tr><th></th>");
            foreach (var s in result.SourcePieces) html.Append($"<th>{Enc(s)}</th>");
            html.Append("</tr>");
            for (int t = 0; t < best.Attention.Length; t++)
            {
                html.Append($"<tr><th class=\"row\">{Enc(targetPieces[t])}</th>");
                foreach (var w in best.Attention[t])
                {
                    int level = (int)Math.Round(255 * Math.Clamp(w, 0f, 1f));
                    string ink = level > 128 ? "#000" : "#fff";
                    html.Append($"<td style=\"background:rgb({level},{level},{level});color:{ink}\">{w:F2}</td>");
                }
                html.Append("</tr>");
            }
            html.Append("</table></figure>");
        }
        return new HtmlPage("Alignment maps").Heading("Alignment maps").Markup(html.ToString()).Write(Path.Combine(directory, "index.html"));
    }

    /// <summary>One heatmap: rows = target subwords, columns = source subwords, weights in [0, 1].</summary>
    public static void WritePng(string path, IReadOnlyList<string> source, IReadOnlyList<string> target, float[][] weights)
    {
        int columns = weights.Length == 0 ? source.Count : weights[0].Length;
        int width = LabelSpace + columns * Cell + 10, height = LabelSpace + weights.Length * Cell + 10;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var cellPaint = new SKPaint();
        for (int t = 0; t < weights.Length; t++)
        {
            for (int s = 0; s < columns; s++)
            {
                byte level = (byte)Math.Round(255 * Math.Clamp(weights[t][s], 0f, 1f));
                cellPaint.Color = new SKColor(level, level, level);
                canvas.DrawRect(LabelSpace + s * Cell, LabelSpace + t * Cell, Cell, Cell, cellPaint);
            }
            if (t < target.Count) canvas.DrawText(target[t], LabelSpace - 4, LabelSpace + t * Cell + Cell * 0.65f, SKTextAlign.Right, font, ink);
        }
        for (int s = 0; s < Math.Min(columns, source.Count); s++)
        {
            // Source labels run upwards above their column, as in the paper's figures.
            canvas.Save();
            canvas.Translate(LabelSpace + s * Cell + Cell * 0.65f, LabelSpace - 4);
            canvas.RotateDegrees(-90);
            canvas.DrawText(source[s], 0, 0, SKTextAlign.Left, font, ink);
            canvas.Restore();
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        IO.AtomicFile.WriteAllBytes(path, data.AsSpan());
    }

    private static string Enc(string text) => HtmlPage.Escape(text);
}
