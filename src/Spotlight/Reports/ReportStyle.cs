namespace Spotlight.Reports;

/// <summary>The one stylesheet of every page Spotlight writes (<see cref="HtmlPage"/>).</summary>
public static class ReportStyle
{
    public const string Css =
        // Every page.
        "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}" +
        "figure{display:inline-block;vertical-align:top;margin:0 1rem 1.5rem 0}figcaption{font-size:.9rem;color:#444}" +
        "canvas,img.pixels{image-rendering:pixelated}canvas,img.framed{border:1px solid #ccc}" +
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}" +
        "th{background:#f2f2f2}td.l,th.l{text-align:left}" +
        ".meta{color:#777;font-size:.8rem}.notes{font-size:.85rem;color:#555;padding-left:1.1rem}" +
        // The token-attention page: hover or click a token to see its map on the image.
        "figure.item{width:300px}img.view{width:256px;height:256px;border:1px solid #ccc;image-rendering:pixelated}" +
        ".token{cursor:pointer;padding:0 2px;border-radius:3px}.token:hover,.token.active{background:#ffd54f}" +
        // Small images shown side by side (inpainting examples), and alignment matrices (translation).
        "img.example{width:128px;height:128px;image-rendering:pixelated}" +
        "figure.alignment{display:block;margin:0 0 3em 0}table.alignment{font-size:12px}" +
        "table.alignment td,table.alignment th{border:none;background:none;padding:2px 4px;text-align:center}table.alignment th.row{text-align:right}";
}
