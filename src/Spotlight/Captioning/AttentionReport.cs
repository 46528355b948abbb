using System.Net;
using System.Text;
using SkiaSharp;
using Spotlight.Vision;

namespace Spotlight.Captioning;

/// <summary>One image of an attention report: the picture, its caption and per-word maps, optional references.</summary>
public sealed record AttentionReportItem(string ImagePath, CaptionResult Result, IReadOnlyList<string>? References = null);

/// <summary>
/// Writes a PNG heatmap overlay per word and an index.html where hovering or clicking a word of a caption shows
/// that word's heatmap on the image. Self-contained: plain HTML, inline script, relative image paths, works offline.
/// </summary>
public static class AttentionReport
{
    public static string Write(string directory, IReadOnlyList<AttentionReportItem> items, string title, string? extraHtml = null)
    {
        Directory.CreateDirectory(directory);
        var html = new StringBuilder();
        html.Append($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Enc(title)}</title><style>{Css}</style></head><body>");
        html.Append($"<h1>{Enc(title)}</h1>");
        if (extraHtml is not null) html.Append(extraHtml);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            using var image = ImageDecoder.Decode(item.ImagePath);
            var baseName = $"img{i:D4}";
            var original = baseName + ".png";
            PngFile.Save(image, Path.Combine(directory, original));
            html.Append("<figure class=\"item\">");
            html.Append($"<img class=\"view\" src=\"{original}\" data-original=\"{original}\" alt=\"{Enc(Path.GetFileName(item.ImagePath))}\">");
            html.Append("<figcaption><p class=\"caption\">");
            var words = item.Result.Tokens;
            for (int t = 0; t < words.Count; t++)
            {
                if (t < item.Result.Attention.Weights.Length)
                {
                    var overlayName = $"{baseName}_w{t:D2}.png";
                    using var overlay = AttentionOverlay.Render(image, item.Result.Attention.Weights[t],
                        item.Result.Attention.GridHeight, item.Result.Attention.GridWidth);
                    PngFile.Save(overlay, Path.Combine(directory, overlayName));
                    html.Append($"<span class=\"word\" tabindex=\"0\" data-map=\"{overlayName}\">{Enc(words[t])}</span> ");
                }
                else html.Append($"<span>{Enc(words[t])}</span> ");
            }
            html.Append("</p>");
            html.Append($"<p class=\"meta\">{Enc(Path.GetFileName(item.ImagePath))} · log p = {item.Result.LogProb:F2}</p>");
            if (item.References is { Count: > 0 })
            {
                html.Append("<ul class=\"refs\">");
                foreach (var r in item.References) html.Append($"<li>{Enc(r)}</li>");
                html.Append("</ul>");
            }
            html.Append("</figcaption></figure>");
        }
        html.Append($"<script>{Script}</script></body></html>");
        var index = Path.Combine(directory, "index.html");
        File.WriteAllText(index, html.ToString());
        return index;
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private const string Css =
        "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}figure.item{display:inline-block;vertical-align:top;" +
        "width:300px;margin:0 1rem 1.5rem 0}img.view{width:256px;height:256px;image-rendering:pixelated;border:1px solid #ccc}" +
        ".word{cursor:pointer;padding:0 2px;border-radius:3px}.word:hover,.word.active{background:#ffd54f}" +
        ".meta{color:#777;font-size:.8rem}.refs{font-size:.85rem;color:#555;padding-left:1.1rem}" +
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}";

    // Hover (or keyboard focus) shows a word's map; click pins it so it stays when the pointer leaves.
    private const string Script =
        "document.querySelectorAll('figure.item').forEach(f=>{const img=f.querySelector('img.view');" +
        "const words=[...f.querySelectorAll('.word')];let pinned=null;" +
        "const show=w=>{words.forEach(x=>x.classList.toggle('active',x===w));img.src=w?w.dataset.map:img.dataset.original;};" +
        "words.forEach(w=>{w.addEventListener('mouseenter',()=>show(w));w.addEventListener('focus',()=>show(w));" +
        "w.addEventListener('mouseleave',()=>show(pinned));w.addEventListener('blur',()=>show(pinned));" +
        "w.addEventListener('click',()=>{pinned=pinned===w?null:w;show(pinned||w);});});});";
}
