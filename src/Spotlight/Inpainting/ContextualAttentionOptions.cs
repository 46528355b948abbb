namespace Spotlight.Inpainting;

/// <summary>
/// Settings of contextual attention (Yu et al., "Generative Image Inpainting with Contextual Attention", CVPR 2018,
/// §3.2), with PANet's cross-scale keys (Mei et al., "Pyramid Attention Networks for Image Restoration", 2020) as an
/// option. Saved inside the model's config.
/// </summary>
/// <param name="PatchSize">side of the matching patches (k), odd; DeepFill uses 3</param>
/// <param name="Scale">softmax temperature λ in softmax(λ·score); DeepFill uses 10</param>
/// <param name="Fuse">propagate scores along both diagonals of the (query, key) grid (DeepFill's "fuse", k = 3)</param>
/// <param name="FuseSize">length of that propagation (an identity kernel of this size)</param>
/// <param name="CrossScales">extra key scales in (0, 1): keys and values are also drawn from copies of the maps
/// resized by each factor, so a query can borrow a patch seen larger elsewhere (PANet); empty = off</param>
public sealed record ContextualAttentionOptions(
    int PatchSize = 3, float Scale = 10f, bool Fuse = true, int FuseSize = 3, double[]? CrossScales = null)
{
    public IReadOnlyList<double> KeyScales => CrossScales ?? [];

    public void Validate()
    {
        if (PatchSize < 1 || PatchSize % 2 == 0) throw new SpotlightException($"attention patch size must be a positive odd number, got {PatchSize}");
        if (!(Scale > 0) || !float.IsFinite(Scale)) throw new SpotlightException($"attention softmax scale must be positive, got {Scale}");
        if (FuseSize < 1 || FuseSize % 2 == 0) throw new SpotlightException($"attention fuse size must be a positive odd number, got {FuseSize}");
        foreach (var s in KeyScales)
            if (!(s > 0 && s < 1)) throw new SpotlightException($"cross-scale key factors must lie in (0, 1), got {s}");
    }
}
