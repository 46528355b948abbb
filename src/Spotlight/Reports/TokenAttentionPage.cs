using System.Text;
using SkiaSharp;
using Spotlight.Vision;

namespace Spotlight.Reports;

/// <summary>The picture of a report item: an image file, or encoded bytes (PNG, JPEG …) with a name for the page and errors.</summary>
public sealed record ReportImage(string Name, string? Path = null, byte[]? Bytes = null)
{
    public static ReportImage FromFile(string path) => new(System.IO.Path.GetFileName(path), path);

    public static ReportImage FromBytes(string name, byte[] bytes) => new(name, null, bytes);

    internal SKBitmap Decode() =>
        Path is not null ? ImageDecoder.Decode(Path)
        : Bytes is not null ? ImageDecoder.Decode(Bytes, Name)
        : throw new ArgumentException($"report image '{Name}' has neither a path nor bytes");
}

/// <summary>
/// One image of a token-attention page: its tokens (caption words, question words, reasoning hops …) and one attention
/// map per token over a GridHeight × GridWidth grid of regions (row-major weights). Tokens after the last map are
/// shown without one (a caption's words past the maps the decoder kept). <see cref="Meta"/> is a line of plain text
/// under the tokens, <see cref="Notes"/> a list under it (reference captions, the expected answer …).
/// </summary>
public sealed record TokenAttentionItem(ReportImage Image, IReadOnlyList<string> Tokens, IReadOnlyList<float[]> Maps, int GridHeight, int GridWidth)
{
    public string? Meta { get; init; }
    public IReadOnlyList<string>? Notes { get; init; }
}

/// <summary>
/// Writes a page where hovering or clicking a token shows that token's attention heatmap on the image (Xu et al.
/// 2015, Fig. 2–3): per item <c>img0000.png</c> and one overlay per map, <c>img0000_w00.png</c> …
/// (<see cref="AttentionOverlay"/>), and <c>index.html</c>. Click pins a token so its map stays when the pointer
/// leaves. Self-contained: relative image paths, inline script, works offline.
/// </summary>
public static class TokenAttentionPage
{
    /// <summary>Writes the images, overlays and index.html into <paramref name="directory"/>; returns the path of index.html.</summary>
    /// <param name="directory">the page's folder (created if missing)</param>
    /// <param name="items">the images, in page order</param>
    /// <param name="title">the page's title and heading</param>
    /// <param name="extraHtml">markup placed under the heading (a scores table, a note), as it is</param>
    public static string Write(string directory, IReadOnlyList<TokenAttentionItem> items, string title, string? extraHtml = null)
    {
        foreach (var item in items) Check(item);
        Directory.CreateDirectory(directory);
        var page = new HtmlPage(title).Heading(title);
        if (extraHtml is not null) page.Markup(extraHtml);
        for (int i = 0; i < items.Count; i++) page.Markup(Figure(directory, $"img{i:D4}", items[i]));
        page.Script(Script);
        return page.Write(System.IO.Path.Combine(directory, "index.html"));
    }

    private static void Check(TokenAttentionItem item)
    {
        if (item.GridHeight < 1 || item.GridWidth < 1)
            throw new ArgumentException($"{item.Image.Name}: the attention grid must be at least 1x1, got {item.GridHeight}x{item.GridWidth}", nameof(item));
        if (item.Maps.Count > item.Tokens.Count)
            throw new ArgumentException($"{item.Image.Name}: {item.Maps.Count} attention maps for {item.Tokens.Count} tokens", nameof(item));
        int cells = item.GridHeight * item.GridWidth;
        for (int t = 0; t < item.Maps.Count; t++)
            if (item.Maps[t].Length != cells)
                throw new ArgumentException($"{item.Image.Name}: map {t} has {item.Maps[t].Length} weights, the {item.GridHeight}x{item.GridWidth} grid needs {cells}", nameof(item));
    }

    private static string Figure(string directory, string baseName, TokenAttentionItem item)
    {
        using var image = item.Image.Decode();
        var original = baseName + ".png";
        PngFile.Save(image, System.IO.Path.Combine(directory, original));
        var html = new StringBuilder("<figure class=\"item\">");
        html.Append($"<img class=\"view\" src=\"{original}\" data-original=\"{original}\" alt=\"{HtmlPage.Escape(item.Image.Name)}\">");
        html.Append("<figcaption><p class=\"tokens\">");
        for (int t = 0; t < item.Tokens.Count; t++)
        {
            if (t < item.Maps.Count)
            {
                var overlayName = $"{baseName}_w{t:D2}.png";
                using var overlay = AttentionOverlay.Render(image, item.Maps[t], item.GridHeight, item.GridWidth);
                PngFile.Save(overlay, System.IO.Path.Combine(directory, overlayName));
                html.Append($"<span class=\"token\" tabindex=\"0\" data-map=\"{overlayName}\">{HtmlPage.Escape(item.Tokens[t])}</span> ");
            }
            else html.Append($"<span>{HtmlPage.Escape(item.Tokens[t])}</span> ");
        }
        html.Append("</p>");
        if (item.Meta is not null) html.Append($"<p class=\"meta\">{HtmlPage.Escape(item.Meta)}</p>");
        if (item.Notes is { Count: > 0 })
        {
            html.Append("<ul class=\"notes\">");
            foreach (var note in item.Notes) html.Append($"<li>{HtmlPage.Escape(note)}</li>");
            html.Append("</ul>");
        }
        return html.Append("</figcaption></figure>").ToString();
    }

    // Hover (or keyboard focus) shows a token's map; click pins it so it stays when the pointer leaves.
    private const string Script =
        "document.querySelectorAll('figure.item').forEach(f=>{const img=f.querySelector('img.view');" +
        "const tokens=[...f.querySelectorAll('.token')];let pinned=null;" +
        "const show=w=>{tokens.forEach(x=>x.classList.toggle('active',x===w));img.src=w?w.dataset.map:img.dataset.original;};" +
        "tokens.forEach(w=>{w.addEventListener('mouseenter',()=>show(w));w.addEventListener('focus',()=>show(w));" +
        "w.addEventListener('mouseleave',()=>show(pinned));w.addEventListener('blur',()=>show(pinned));" +
        "w.addEventListener('click',()=>{pinned=pinned===w?null:w;show(pinned||w);});});});";
}
