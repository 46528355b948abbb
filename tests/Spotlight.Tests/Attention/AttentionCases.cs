using Spotlight.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>
/// Every attention module behind one calling convention, so invariants are checked for all of them.
/// Values have KeyDim features (MultiHeadAttention takes vdim = kdim).
/// </summary>
internal sealed record AttentionCase(string Name, int QueryDim, int KeyDim, Func<nn.Module> Make)
{
    public nn.Module Create(Generator g, ScalarType dtype = ScalarType.Float32)
    {
        var module = Make().to(dtype);
        Params.Randomize(module, g);
        return module;
    }

    public static (Tensor Context, Tensor Weights) Forward(nn.Module module, Tensor query, Tensor keys, Tensor values, Tensor? mask) =>
        module switch
        {
            ScoredAttention scored => scored.forward(query, keys, values, mask),
            MultiHeadAttention multi => multi.forward(query, keys, values, mask),
            _ => throw new ArgumentException(module.GetName()),
        };
}

internal static class AttentionCases
{
    private static readonly AttentionCase[] All =
    [
        new("additive", 3, 5, () => new AdditiveAttention(new AttentionConfig(3, 5, HiddenDim: 4))),
        new("dot", 4, 4, () => new DotProductAttention()),
        new("general", 3, 5, () => new GeneralAttention(new AttentionConfig(3, 5))),
        new("concat", 3, 5, () => new ConcatAttention(new AttentionConfig(3, 5, HiddenDim: 4))),
        new("scaled", 4, 4, () => new ScaledDotProductAttention()),
        new("multihead", 4, 6, () => new MultiHeadAttention(new AttentionConfig(4, 6, Heads: 2))),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static AttentionCase Get(string name) => All.Single(c => c.Name == name);
}
