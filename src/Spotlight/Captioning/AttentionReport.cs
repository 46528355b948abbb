using System.Globalization;
using Spotlight.Reports;

namespace Spotlight.Captioning;

/// <summary>One image of an attention report: the picture, its caption and per-word maps, optional references.</summary>
public sealed record AttentionReportItem(string ImagePath, CaptionResult Result, IReadOnlyList<string>? References = null);

/// <summary>
/// Captions on the token-attention page (<see cref="TokenAttentionPage"/>): a PNG heatmap overlay per word and an
/// index.html where hovering or clicking a word of a caption shows that word's heatmap on the image; under each
/// caption the file name, log-probability and references.
/// </summary>
public static class AttentionReport
{
    public static string Write(string directory, IReadOnlyList<AttentionReportItem> items, string title, string? extraHtml = null) =>
        TokenAttentionPage.Write(directory, items.Select(Item).ToList(), title, extraHtml);

    private static TokenAttentionItem Item(AttentionReportItem item)
    {
        var (result, attention) = (item.Result, item.Result.Attention);
        var image = ReportImage.FromFile(item.ImagePath);
        return new TokenAttentionItem(image, result.Tokens, attention.Weights.Take(result.Tokens.Count).ToList(), attention.GridHeight, attention.GridWidth)
        {
            Meta = $"{image.Name} · log p = {result.LogProb.ToString("F2", CultureInfo.InvariantCulture)}",
            Notes = item.References,
        };
    }
}
