using Spotlight.Decoding;
using static TorchSharp.torch;

namespace Spotlight.Tests.Decoding;

/// <summary>
/// A model written as a table: the distribution of the next token given the whole generated prefix, so a test can
/// spell out by hand which sequence each decoder should find. Prefixes are keys like "" or "0,4"; unlisted
/// prefixes use <see cref="Default"/>. The state is (rows) int64 ids of the prefixes interned here, −1 before the
/// first step (whose input, the start token, is not part of the prefix). No attention.
/// </summary>
internal sealed class PrefixModel(int vocab, double[] defaultProbs)
{
    private readonly Dictionary<string, double[]> table = [];
    private readonly List<string> prefixes = [];

    public int Vocab { get; } = vocab;
    public double[] Default { get; } = defaultProbs;
    public int Calls { get; private set; }

    /// <summary>P(next | prefix); probabilities may be 0 (log-prob −∞).</summary>
    public PrefixModel With(int[] prefix, double[] probs)
    {
        table[string.Join(",", prefix)] = probs;
        return this;
    }

    public IDecoderState Initial(int batchSize) => new PrefixState(full(batchSize, -1L, dtype: ScalarType.Int64));

    public StepOutput Step(Tensor tokens, IDecoderState state)
    {
        Calls++;
        var ids = ((PrefixState)state).Ids.data<long>().ToArray();
        var previous = tokens.data<long>().ToArray();
        var nextIds = new long[ids.Length];
        var logProbs = new float[ids.Length * Vocab];
        for (var row = 0; row < ids.Length; row++)
        {
            var prefix = ids[row] < 0 ? ""
                : prefixes[(int)ids[row]] is { Length: > 0 } before ? $"{before},{previous[row]}" : $"{previous[row]}";
            nextIds[row] = Intern(prefix);
            var probs = table.GetValueOrDefault(prefix, Default);
            var total = probs.Sum();
            for (var v = 0; v < Vocab; v++) logProbs[row * Vocab + v] = (float)Math.Log(probs[v] / total);
        }
        return new StepOutput(tensor(logProbs).view(ids.Length, Vocab), new PrefixState(tensor(nextIds)), null);
    }

    private long Intern(string prefix)
    {
        var at = prefixes.IndexOf(prefix);
        if (at >= 0) return at;
        prefixes.Add(prefix);
        return prefixes.Count - 1;
    }
}

internal sealed record PrefixState(Tensor Ids) : IDecoderState
{
    public IDecoderState Select(Tensor rowIndices) => new PrefixState(Ids.index_select(0, rowIndices));
    public IEnumerable<Tensor> Tensors => [Ids];
}
