using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Captioning;

/// <summary>
/// Learned 2-D position embeddings of a grid of regions: P[r·W + c] = R[r] + C[c], a row and a column table, so a
/// region's position is told by two small tables instead of one per cell (as DETR does for its image features).
/// </summary>
public sealed class GridPositions : Module<long, Tensor>
{
    private readonly Embedding rows;     // R: (H, d)
    private readonly Embedding columns;  // C: (W, d)
    private readonly int height;
    private readonly int width;

    public GridPositions(int height, int width, int dim) : base(nameof(GridPositions))
    {
        this.height = height;
        this.width = width;
        rows = Embedding(height, dim);
        columns = Embedding(width, dim);
        RegisterComponents();
        using (no_grad())
        {
            init.normal_(rows.weight!, 0, 0.02);
            init.normal_(columns.weight!, 0, 0.02);
        }
    }

    /// <summary>The embeddings of the <paramref name="regions"/> = H·W cells, row-major: (regions, d).</summary>
    public override Tensor forward(long regions)
    {
        if (regions != height * width)
            throw new SpotlightException($"the region grid is {height}×{width} = {height * width} cells, but the encoder gave {regions} regions");
        var device = rows.weight!.device;
        var r = rows.forward(arange(height, dtype: ScalarType.Int64, device: device));       // (H, d)
        var c = columns.forward(arange(width, dtype: ScalarType.Int64, device: device));     // (W, d)
        return (r.unsqueeze(1) + c.unsqueeze(0)).reshape(regions, -1);
    }
}
