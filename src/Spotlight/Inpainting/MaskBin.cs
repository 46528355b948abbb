namespace Spotlight.Inpainting;

/// <summary>
/// A range of hole ratios, [Lower, Upper) in percent. The evaluation table has one row per bin, as in the free-form
/// mask benchmarks of Liu et al. 2018 (partial convolutions) and their successors.
/// </summary>
public readonly record struct MaskBin(int Lower, int Upper)
{
    /// <summary>1–10 %, 10–20 %, ..., 50–60 %.</summary>
    public static IReadOnlyList<MaskBin> All { get; } =
        [new(1, 10), new(10, 20), new(20, 30), new(30, 40), new(40, 50), new(50, 60)];

    public bool Contains(double ratio) => ratio * 100 >= Lower && ratio * 100 < Upper;

    /// <summary>The bin holding the ratio; ratios below 1 % go to the first bin and from 60 % up to the last.</summary>
    public static MaskBin Of(double ratio)
    {
        foreach (var bin in All) if (bin.Contains(ratio)) return bin;
        return ratio * 100 < All[0].Lower ? All[0] : All[^1];
    }

    public override string ToString() => $"{Lower}-{Upper}%";
}
