using System.Globalization;
using System.Text;
using Spotlight.IO;
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
        AtomicFile.WriteAllText(Path.Combine(directory, "attention.html"), Page(map, pngs));
    }

    public static byte[] Png(RgbImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            Array.Copy(image.Data, 3 * i, rgba, 4 * i, 3);
            rgba[4 * i + 3] = 255;
        }
        using var bitmap = PixelOps.ToBitmap(rgba, image.Width, image.Height);
        return PngFile.Encode(bitmap);
    }

    public static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static string Page(AttentionMap map, IReadOnlyDictionary<string, byte[]> pngs)
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
        int zoom = Math.Max(1, 384 / map.ImageSize);
        return $$"""
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Spotlight inpainting: attention sources</title>
<style>body{font-family:sans-serif;margin:1.5em}figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}
canvas,img{image-rendering:pixelated;border:1px solid #999}figcaption{font-size:90%;color:#444}</style></head>
<body>
<h1>Where the attention copied from</h1>
<p>Finest attention-transfer step (PEN-Net ATN, contextual attention of DeepFill v1): a {{map.GridSize}}×{{map.GridSize}}
grid, one cell = {{map.CellPixels}}×{{map.CellPixels}} pixels. Click a pixel inside the hole: the right picture shows the
weights of its sources (brighter = more weight, scaled to the largest).</p>
<figure><canvas id="filled" width="{{map.ImageSize * zoom}}" height="{{map.ImageSize * zoom}}"></canvas><figcaption>filled (click a hole pixel)</figcaption></figure>
<figure><canvas id="heat" width="{{map.ImageSize * zoom}}" height="{{map.ImageSize * zoom}}"></canvas><figcaption id="caption">source heatmap</figcaption></figure>
<figure><img src="{{DataUri(pngs["masked.png"])}}" width="{{map.ImageSize * zoom}}"><figcaption>input with hole</figcaption></figure>
<figure><img src="{{DataUri(pngs["offset-flow.png"])}}" width="{{map.ImageSize * zoom}}"><figcaption>offset flow (hue = direction, saturation = distance)</figcaption></figure>
<script>
const sources = {{json}};
const grid = {{map.GridSize}}, zoom = {{zoom}}, cell = {{map.CellPixels}} * zoom;
const img = new Image();
img.src = "{{DataUri(pngs["filled.png"])}}";
const filled = document.getElementById('filled').getContext('2d');
const heat = document.getElementById('heat').getContext('2d');
filled.imageSmoothingEnabled = false; heat.imageSmoothingEnabled = false;
img.onload = () => { filled.drawImage(img, 0, 0, img.width * zoom, img.height * zoom); heat.drawImage(img, 0, 0, img.width * zoom, img.height * zoom); };
function viridis(t) { const s = [[68,1,84],[59,82,139],[33,145,140],[94,201,98],[253,231,37]];
  const p = Math.min(0.9999, Math.max(0, t)) * (s.length - 1), i = Math.floor(p), f = p - i;
  return s[i].map((c, k) => Math.round(c + (s[i + 1][k] - c) * f)); }
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
</script>
</body></html>
""";
    }
}
