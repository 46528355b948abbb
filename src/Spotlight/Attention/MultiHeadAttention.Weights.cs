using static TorchSharp.torch;

namespace Spotlight.Attention;

public sealed partial class MultiHeadAttention
{
    /// <summary>Initialises as torch's nn.MultiheadAttention does: Xavier-uniform q/k/v weights, zero biases.</summary>
    public void ResetParameters()
    {
        using var noGrad = no_grad();
        foreach (var proj in new[] { queryProj, keyProj, valueProj }) nn.init.xavier_uniform_(proj.weight);
        foreach (var proj in new[] { queryProj, keyProj, valueProj, outProj }) nn.init.zeros_(proj.bias!);
    }

    /// <summary>
    /// Copies the weights of TorchSharp's own <c>nn.MultiheadAttention</c> (made with embed_dim = QueryDim,
    /// kdim = vdim = KeyDim, add_bias_kv = false, add_zero_attn = false, and the same number of heads, which the
    /// native module does not expose, so it cannot be checked here). Its in_proj_weight (or q/k/v_proj_weight when
    /// kdim ≠ embed_dim) is split into W^Q, W^K, W^V; a module made with bias = false gives zero biases.
    /// </summary>
    public void CopyFrom(TorchSharp.Modules.MultiheadAttention source)
    {
        var p = source.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        if (p.ContainsKey("bias_k") || p.ContainsKey("bias_v"))
            throw new SpotlightException("MultiheadAttention with add_bias_kv = true has no counterpart in MultiHeadAttention");
        var (qw, kw, vw) = p.TryGetValue("in_proj_weight", out var inProj)
            ? Split(inProj)
            : (Need(p, "q_proj_weight"), Need(p, "k_proj_weight"), Need(p, "v_proj_weight"));
        var (qb, kb, vb) = p.TryGetValue("in_proj_bias", out var inBias)
            ? Split(inBias)
            : (zeros(Config.QueryDim), zeros(Config.QueryDim), zeros(Config.QueryDim));
        var outBias = p.TryGetValue("out_proj.bias", out var ob) ? ob : zeros(Config.QueryDim);

        using var noGrad = no_grad();
        Copy(queryProj.weight, qw, "q weight");
        Copy(keyProj.weight, kw, "k weight");
        Copy(valueProj.weight, vw, "v weight");
        Copy(queryProj.bias!, qb, "q bias");
        Copy(keyProj.bias!, kb, "k bias");
        Copy(valueProj.bias!, vb, "v bias");
        Copy(outProj.weight, Need(p, "out_proj.weight"), "out_proj weight");
        Copy(outProj.bias!, outBias, "out_proj bias");
    }

    private static (Tensor, Tensor, Tensor) Split(Tensor packed)
    {
        var parts = packed.chunk(3, 0);
        return (parts[0], parts[1], parts[2]);
    }

    private static Tensor Need(Dictionary<string, Tensor> p, string name) =>
        p.TryGetValue(name, out var t) ? t : throw new SpotlightException($"MultiheadAttention has no parameter {name}");

    private static void Copy(Tensor target, Tensor source, string what)
    {
        if (!target.shape.SequenceEqual(source.shape))
            throw new SpotlightException($"MultiheadAttention {what} is ({AttentionMath.Dims(source)}) but ours is ({AttentionMath.Dims(target)}); check embed_dim and kdim");
        target.copy_(source);
    }
}
