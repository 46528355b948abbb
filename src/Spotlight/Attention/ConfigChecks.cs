using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>One-line errors for tensors whose sizes do not match a module's configuration.</summary>
internal static class ConfigChecks
{
    // -1 = size not known at this point (Prepare has no query; Attend has no raw keys).
    public static void Require(AttentionConfig config, long queryDim, long keyDim, string module)
    {
        if (queryDim >= 0 && queryDim != config.QueryDim)
            throw new SpotlightException($"{module}: query size is {queryDim} but the config says QueryDim = {config.QueryDim}");
        if (keyDim >= 0 && keyDim != config.KeyDim)
            throw new SpotlightException($"{module}: key size is {keyDim} but the config says KeyDim = {config.KeyDim}");
    }

    public static void RequireEqualDims(AttentionConfig config, string module)
    {
        config.Validate();
        if (config.QueryDim != config.KeyDim)
            throw new SpotlightException($"{module}: needs QueryDim == KeyDim (it takes qᵀk), got QueryDim = {config.QueryDim}, " +
                $"KeyDim = {config.KeyDim}; use GeneralAttention or AdditiveAttention for different sizes");
    }

    public static void RequireSameSize(Tensor query, Tensor keys, string module)
    {
        if (query.shape[^1] != keys.shape[^1])
            throw new SpotlightException($"{module}: query size {query.shape[^1]} differs from key size {keys.shape[^1]} " +
                "(it takes qᵀk); use GeneralAttention or AdditiveAttention for different sizes");
    }

    public static InvalidOperationException NoContextDim(string module) =>
        new($"{module} was made without an AttentionConfig, so its context size is that of the memory; " +
            $"make it with {module}(AttentionConfig) to read ContextDim");
}
