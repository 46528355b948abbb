using Spotlight.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Decoding;

/// <summary>
/// A deterministic toy "language model with attention": the next-token logits are h + bias, where
/// h = 0.5·h_prev + T[previous token] carries the whole history (so a beam that takes another beam's state must
/// get its h too), bias is a per-item random vector and T a fixed random transition table. Attention over
/// <c>sources</c> positions is softmax(memory + K[previous token] + h₀). Everything is row-wise (no matmul), so a
/// row's numbers do not depend on which other rows share the batch. Weights come from System.Random, so tests
/// running in parallel do not share torch's global generator.
/// </summary>
internal sealed class ToyModel
{
    public const int Start = 1;
    public const int End = 2;

    private readonly Tensor transition;   // (vocab, vocab)
    private readonly Tensor keys;         // (vocab, sources)

    public ToyModel(int vocab, int sources, int seed, float endBoost = 0f, float sharpness = 1.5f)
    {
        Vocab = vocab;
        Sources = sources;
        var random = new Random(seed);
        var table = RandomArray(random, vocab * vocab, sharpness);
        for (var from = 0; from < vocab; from++) table[from * vocab + End] += endBoost;
        transition = tensor(table).view(vocab, vocab);
        keys = tensor(RandomArray(random, vocab * sources, 1f)).view(vocab, sources);
        Seed = seed;
    }

    public int Vocab { get; }
    public int Sources { get; }
    public int Seed { get; }
    public int Calls { get; private set; }
    public List<long> RowsPerCall { get; } = [];
    public List<long> LiveTensorsPerCall { get; } = [];     // this thread's live tensors when each step starts

    /// <summary>A batch of items: random h, bias and memory per item (the caller owns these tensors).</summary>
    public ToyState Initial(int batchSize, int seed)
    {
        var random = new Random(seed * 7919 + Seed);
        return new ToyState(
            tensor(RandomArray(random, batchSize * Vocab, 0.5f)).view(batchSize, Vocab),
            tensor(RandomArray(random, batchSize * Vocab, 1f)).view(batchSize, Vocab),
            tensor(RandomArray(random, batchSize * Sources, 1f)).view(batchSize, Sources));
    }

    public StepOutput Step(Tensor tokens, IDecoderState state)
    {
        Calls++;
        RowsPerCall.Add(tokens.shape[0]);
        LiveTensorsPerCall.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var s = (ToyState)state;
        var h = s.H * 0.5f + transition.index_select(0, tokens);                      // (rows, vocab)
        var logProbs = (h + s.Bias).log_softmax(1);                                   // (rows, vocab)
        var attention = (s.Memory + keys.index_select(0, tokens) + h.narrow(1, 0, 1)).softmax(1);
        return new StepOutput(logProbs, new ToyState(h, s.Bias, s.Memory), attention);
    }

    private static float[] RandomArray(Random random, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale * 2).ToArray();
}

/// <summary>The toy's state: h and bias (rows, vocab), memory (rows, sources); Bias and Memory pass through steps.</summary>
internal sealed record ToyState(Tensor H, Tensor Bias, Tensor Memory) : IDecoderState
{
    public IDecoderState Select(Tensor rowIndices) =>
        new ToyState(H.index_select(0, rowIndices), Bias.index_select(0, rowIndices), Memory.index_select(0, rowIndices));

    public IEnumerable<Tensor> Tensors => [H, Bias, Memory];
}
