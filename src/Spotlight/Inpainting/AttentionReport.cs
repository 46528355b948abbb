using System.Globalization;
using System.Text;
using Spotlight.IO;
using Spotlight.Reports;
using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>
/// Writes the pictures of where attention copied from: <c>masked.png</c>, <c>filled.png</c>, <c>offset-flow.png</c>
/// (DeepFill-style) and <c>attention.html</c>, a self-contained page where clicking a hole pixel shows the heatmap
/// of its sources over the image.
/// </summary>
public static class AttentionReport
{
    public static void Write(string directory, RgbImage image, HoleMask hole, InpaintingResult result)
    {
        Directory.CreateDirectory(directory);
        var map = AttentionMap.From(result, hole);
        var masked = InpaintingModel.Composite(image, new RgbImage(image.Width, image.Height, new byte[image.Data.Length]), hole);
        var pngs = new Dictionary<string, byte[]>
        {
            ["masked.png"] = Png(masked),
            ["filled.png"] = Png(result.Composite),
            ["offset-flow.png"] = Png(map.OffsetFlow(result.Composite)),
        };
        foreach (var (name, bytes) in pngs) AtomicFile.WriteAllBytes(Path.Combine(directory, name), bytes, flushToDisk: false);
        Page(map, pngs).Write(Path.Combine(directory, "attention.html"));
    }

    /// <summary>The image as PNG bytes (<see cref="PngFile.Encode(RgbImage)"/>; kept here for the server and existing callers).</summary>
    public static byte[] Png(RgbImage image) => PngFile.Encode(image);

    /// <summary>A PNG as a data URI (<see cref="Reports.DataUri"/>; kept here for existing callers).</summary>
    public static string DataUri(byte[] png) => Reports.DataUri.Png(png);

    private static HtmlPage Page(AttentionMap map, IReadOnlyDictionary<string, byte[]> pngs)
    {
        var json = new StringBuilder("{");
        bool first = true;
        foreach (var ((y, x), weights) in map.Sources)
        {
            if (!first) json.Append(',');
            first = false;
            json.Append('"').Append(y).Append(',').Append(x).Append("\":[");
            json.Append(string.Join(',', weights.Select(w => w.ToString("0.####", CultureInfo.InvariantCulture))));
            json.Append(']');
        }
        json.Append('}');
        int zoom = Math.Max(1, 384 / map.ImageSize), side = map.ImageSize * zoom;
        return new HtmlPage("Spotlight inpainting: attention sources")
            .Heading("Where the attention copied from")
            .Paragraph($"Finest attention-transfer step (PEN-Net ATN, contextual attention of DeepFill v1): a {map.GridSize}×{map.GridSize} " +
                $"grid, one cell = {map.CellPixels}×{map.CellPixels} pixels. Click a pixel inside the hole: the right picture shows the " +
                "weights of its sources (brighter = more weight, scaled to the largest).")
            .Markup($"""
<figure><canvas id="filled" width="{side}" height="{side}"></canvas><figcaption>filled (click a hole pixel)</figcaption></figure>
<figure><canvas id="heat" width="{side}" height="{side}"></canvas><figcaption id="caption">source heatmap</figcaption></figure>
<figure><img class="pixels framed" src="{DataUri(pngs["masked.png"])}" width="{side}"><figcaption>input with hole</figcaption></figure>
<figure><img class="pixels framed" src="{DataUri(pngs["offset-flow.png"])}" width="{side}"><figcaption>offset flow (hue = direction, saturation = distance)</figcaption></figure>
""")
            .Script(ColormapScript.Viridis())
            .Script($$"""
const sources = {{json}};
const grid = {{map.GridSize}}, zoom = {{zoom}}, cell = {{map.CellPixels}} * zoom;
const img = new Image();
img.src = "{{DataUri(pngs["filled.png"])}}";
const filled = document.getElementById('filled').getContext('2d');
const heat = document.getElementById('heat').getContext('2d');
filled.imageSmoothingEnabled = false; heat.imageSmoothingEnabled = false;
img.onload = () => { filled.drawImage(img, 0, 0, img.width * zoom, img.height * zoom); heat.drawImage(img, 0, 0, img.width * zoom, img.height * zoom); };
document.getElementById('filled').addEventListener('click', e => {
  const r = e.target.getBoundingClientRect();
  const qx = Math.floor((e.clientX - r.left) / cell), qy = Math.floor((e.clientY - r.top) / cell);
  const w = sources[qy + ',' + qx];
  heat.drawImage(img, 0, 0, img.width * zoom, img.height * zoom);
  if (!w) { document.getElementById('caption').textContent = 'cell (' + qx + ', ' + qy + ') is not in the hole'; return; }
  const max = Math.max(...w);
  for (let i = 0; i < w.length; i++) {
    if (w[i] <= 0) continue;
    const [cr, cg, cb] = viridis(w[i] / max);
    heat.fillStyle = 'rgba(' + cr + ',' + cg + ',' + cb + ',' + (0.25 + 0.6 * w[i] / max) + ')';
    heat.fillRect((i % grid) * cell, Math.floor(i / grid) * cell, cell, cell);
  }
  heat.strokeStyle = 'red'; heat.lineWidth = 2; heat.strokeRect(qx * cell, qy * cell, cell, cell);
  document.getElementById('caption').textContent = 'sources of cell (' + qx + ', ' + qy + '), strongest weight ' + max.toFixed(3);
});
""");
    }
}
