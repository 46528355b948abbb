using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Inpainting;

/// <summary>
/// Where the finest attention-transfer step copied from, in image coordinates. For each query cell of the matching
/// grid (one cell = Size / GridSize pixels) that lies in the hole: the weights over every source cell (cross-scale
/// keys are mapped to the cell under their centre), and the strongest source.
/// </summary>
public sealed class AttentionMap
{
    private AttentionMap(int imageSize, int grid, Dictionary<(int Y, int X), float[]> sources)
    {
        ImageSize = imageSize;
        GridSize = grid;
        Sources = sources;
    }

    public int ImageSize { get; }
    public int GridSize { get; }
    /// <summary>Query cell → weights over the GridSize² source cells (row-major), summing to 1.</summary>
    public IReadOnlyDictionary<(int Y, int X), float[]> Sources { get; }
    public int CellPixels => ImageSize / GridSize;

    public static AttentionMap From(InpaintingResult result, HoleMask hole)
    {
        if (result.Attention.Count == 0)
            throw new SpotlightException("this model has no attention to show (it was trained with identity skips)");
        var step = result.Attention[^1];                                     // finest: fills the first level
        var weights = step.Weights[0];                                        // (L, h, w)
        int grid = (int)weights.shape[1], cell = hole.Width / grid;
        var all = weights.permute(1, 2, 0).contiguous().data<float>().ToArray();   // (h, w, L)
        int keys = (int)weights.shape[0];
        var sources = new Dictionary<(int, int), float[]>();
        for (int qy = 0; qy < grid; qy++)
            for (int qx = 0; qx < grid; qx++)
            {
                if (!CellTouchesHole(hole, qx, qy, cell)) continue;
                var map = new float[grid * grid];
                foreach (var block in step.Keys)
                    for (int k = 0; k < block.Count; k++)
                    {
                        float w = all[(qy * grid + qx) * keys + block.Offset + k];
                        if (w == 0) continue;
                        int sy = Math.Clamp((int)((k / block.Width + 0.5) / block.Factor), 0, grid - 1);
                        int sx = Math.Clamp((int)((k % block.Width + 0.5) / block.Factor), 0, grid - 1);
                        map[sy * grid + sx] += w;
                    }
                sources[(qy, qx)] = map;
            }
        return new AttentionMap(hole.Width, grid, sources);
    }

    /// <summary>
    /// DeepFill's offset-flow picture: every hole cell coloured by the offset to its strongest source (Middlebury
    /// colours, scaled by the longest offset); known pixels are the image in grey.
    /// </summary>
    public RgbImage OffsetFlow(RgbImage image)
    {
        var data = new byte[ImageSize * ImageSize * 3];
        for (int i = 0; i < ImageSize * ImageSize; i++)
        {
            byte grey = (byte)((image.Data[3 * i] * 299 + image.Data[3 * i + 1] * 587 + image.Data[3 * i + 2] * 114) / 1000 / 2 + 64);
            data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = grey;
        }
        var offsets = Sources.ToDictionary(p => p.Key, p =>
        {
            int best = Array.IndexOf(p.Value, p.Value.Max());
            return (U: (double)(best % GridSize - p.Key.X), V: (double)(best / GridSize - p.Key.Y));
        });
        double longest = Math.Max(1, offsets.Values.Select(o => Math.Sqrt(o.U * o.U + o.V * o.V)).DefaultIfEmpty(1).Max());
        foreach (var ((qy, qx), (u, v)) in offsets)
        {
            var (r, g, b) = FlowColours.Colour(u / longest, v / longest);
            for (int y = qy * CellPixels; y < (qy + 1) * CellPixels; y++)
                for (int x = qx * CellPixels; x < (qx + 1) * CellPixels; x++)
                {
                    int i = (y * ImageSize + x) * 3;
                    (data[i], data[i + 1], data[i + 2]) = (r, g, b);
                }
        }
        return new RgbImage(ImageSize, ImageSize, data);
    }

    private static bool CellTouchesHole(HoleMask hole, int qx, int qy, int cell)
    {
        for (int y = qy * cell; y < (qy + 1) * cell; y++)
            for (int x = qx * cell; x < (qx + 1) * cell; x++)
                if (hole[x, y]) return true;
        return false;
    }
}
