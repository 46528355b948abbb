using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>Plumbing shared by the decoders: inputs, output checks, host copies, and state lifetime.</summary>
internal static class DecodeSupport
{
    /// <summary>The device of the state's tensors: tokens go there. CPU when the state holds none.</summary>
    public static Device DeviceOf(IDecoderState state) => state.Tensors.FirstOrDefault()?.device ?? CPU;

    /// <summary>(rows) int64: each row's last token, or the start token before the first step.</summary>
    public static Tensor InputTokens(IReadOnlyList<PathNode?> paths, int startToken, Device device) =>
        tensor(paths.Select(p => (long)(p?.Token ?? startToken)).ToArray(), device: device);

    /// <summary>Checks the shapes a step returned; gives the vocabulary size and the source count (0: no attention).</summary>
    public static (int Vocab, int Sources) Check(StepOutput output, int rows, DecodeOptions options)
    {
        var logProbs = output.LogProbs;
        if (logProbs.dim() != 2 || logProbs.shape[0] != rows)
            throw new InvalidOperationException(
                $"The decode step returned log-probs of shape ({Shape(logProbs)}); expected ({rows}, vocab).");
        var vocab = (int)logProbs.shape[1];
        if (options.EndToken >= vocab)
            throw new SpotlightException($"Decoding option EndToken={options.EndToken} is outside the vocabulary of {vocab} tokens.");
        if (output.Attention is null)
        {
            if (options.CoverageBeta > 0)
                throw new SpotlightException("Decoding option CoverageBeta > 0 needs a model whose step returns attention.");
            return (vocab, 0);
        }
        if (output.Attention.dim() != 2 || output.Attention.shape[0] != rows)
            throw new InvalidOperationException(
                $"The decode step returned attention of shape ({Shape(output.Attention)}); expected ({rows}, sources).");
        return (vocab, (int)output.Attention.shape[1]);
    }

    /// <summary>
    /// Candidate scores (rows, vocab) float64: each row's log-prob so far plus the step's log-probs, in one pass
    /// (float32 + float64 promotes, exactly as (double)lp + cum). A fresh tensor, safe to mask in place.
    /// </summary>
    public static Tensor CandidateScores(StepOutput output, IReadOnlyList<double> rowLogProbs, Device device)
    {
        using var cumulative = tensor(rowLogProbs.ToArray(), device: device);
        return output.LogProbs.detach() + cumulative.unsqueeze(1);
    }

    /// <summary>Attention (rows, sources) copied to the host row-major, or null.</summary>
    public static float[]? HostAttention(StepOutput output) =>
        output.Attention?.detach().to_type(ScalarType.Float32).contiguous().cpu().data<float>().ToArray();

    /// <summary>Row <paramref name="row"/> of a host attention copy.</summary>
    public static float[]? AttentionRow(float[]? attention, int sources, int row) =>
        attention?.AsSpan(row * sources, sources).ToArray();

    /// <summary>
    /// Makes <paramref name="next"/> outlive the step scope: its tensors made during this step move to the decode
    /// scope, then every tensor the decode scope holds that <paramref name="next"/> no longer uses (the replaced
    /// state's) is disposed. Tensors of the caller's initial state belong to neither scope and are never touched.
    /// </summary>
    public static IDecoderState Keep(IDecoderState next, DisposeScope stepScope, DisposeScope decodeScope)
    {
        var tensors = next.Tensors.ToArray();
        stepScope.MoveToOuter(tensors);
        decodeScope.DisposeEverythingBut(tensors.Where(decodeScope.Contains).ToArray());
        return next;
    }

    /// <summary>(n) int64 row indices on <paramref name="device"/>.</summary>
    public static Tensor Rows(IEnumerable<long> rows, Device device) => tensor(rows.ToArray(), device: device);

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
