using Spotlight.Text;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// A padded batch. Source (batch, S): subwords then &lt;end&gt;, padded with 0; SourceMask true at real positions.
/// TargetIn (batch, T): &lt;start&gt; y_1 .. y_n; TargetOut (batch, T): y_1 .. y_n &lt;end&gt; (teacher forcing), padded with 0.
/// </summary>
public sealed record TranslationBatch(Tensor Source, Tensor SourceMask, Tensor TargetIn, Tensor TargetOut, int TargetTokens) : IDisposable
{
    /// <summary>Sources only (decoding): each source gets &lt;end&gt; appended, as in training.</summary>
    public static (Tensor Source, Tensor Mask) Sources(IReadOnlyList<int[]> sources, Device? device = null)
    {
        int s = sources.Max(x => x.Length) + 1;
        var data = new long[sources.Count * s];
        for (int i = 0; i < sources.Count; i++)
        {
            for (int j = 0; j < sources[i].Length; j++) data[i * s + j] = sources[i][j];
            data[i * s + sources[i].Length] = Vocabulary.End;
        }
        var source = tensor(data, [sources.Count, s], device: device);
        return (source, source.ne(Vocabulary.Pad));
    }

    public static TranslationBatch Create(IReadOnlyList<EncodedPair> pairs, Device? device = null)
    {
        var (source, mask) = Sources(pairs.Select(p => p.Source).ToList(), device);
        int t = pairs.Max(p => p.Target.Length) + 1;
        var input = new long[pairs.Count * t];
        var output = new long[pairs.Count * t];
        int tokens = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            var y = pairs[i].Target;
            input[i * t] = Vocabulary.Start;
            for (int j = 0; j < y.Length; j++) { input[i * t + j + 1] = y[j]; output[i * t + j] = y[j]; }
            output[i * t + y.Length] = Vocabulary.End;
            tokens += y.Length + 1;
        }
        return new TranslationBatch(source, mask, tensor(input, [pairs.Count, t], device: device),
            tensor(output, [pairs.Count, t], device: device), tokens);
    }

    public void Dispose()
    {
        Source.Dispose();
        SourceMask.Dispose();
        TargetIn.Dispose();
        TargetOut.Dispose();
    }
}

/// <summary>
/// Groups pairs of similar length into batches of at most <c>maxTokens</c> padded subwords (rows × longest side),
/// so little compute goes to padding. Order within equal lengths and the order of batches are shuffled from
/// (seed, epoch), so an epoch's batches can be rebuilt exactly when a run resumes.
/// </summary>
public static class BatchPlan
{
    public static List<int[]> Make(IReadOnlyList<EncodedPair> pairs, int maxTokens, int maxSentences, long seed, int epoch)
    {
        if (maxTokens < 1 || maxSentences < 1) throw new SpotlightException($"batch limits must be positive, got {maxTokens} tokens, {maxSentences} sentences");
        var random = new Random(unchecked((int)(seed * 1_000_003 + epoch * 7_919 + 17)));  // not HashCode: it differs per process
        var tieBreak = Enumerable.Range(0, pairs.Count).Select(_ => random.Next()).ToArray();
        var order = Enumerable.Range(0, pairs.Count)
            .OrderBy(i => pairs[i].Source.Length).ThenBy(i => pairs[i].Target.Length).ThenBy(i => tieBreak[i]).ToArray();
        var batches = new List<int[]>();
        var current = new List<int>();
        int longest = 0;
        foreach (var i in order)
        {
            int length = Math.Max(pairs[i].Source.Length, pairs[i].Target.Length) + 1;
            int newLongest = Math.Max(longest, length);
            if (current.Count > 0 && ((current.Count + 1) * newLongest > maxTokens || current.Count == maxSentences))
            {
                batches.Add([.. current]);
                current.Clear();
                newLongest = length;
            }
            current.Add(i);
            longest = newLongest;
        }
        if (current.Count > 0) batches.Add([.. current]);
        // Fisher–Yates on the batch order.
        for (int i = batches.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (batches[i], batches[j]) = (batches[j], batches[i]);
        }
        return batches;
    }
}
