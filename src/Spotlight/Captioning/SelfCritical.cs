using System.Diagnostics;
using Spotlight.Decoding;
using Spotlight.Metrics;
using Spotlight.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>What the reward of a sampled caption is compared with (Rennie et al. 2017 used the greedy caption's).</summary>
public enum SelfCriticalBaseline
{
    /// <summary>The mean reward of the image's other samples (Luo 2020, "a better variant of SCST"); no extra decode.</summary>
    MeanOfOthers,
    /// <summary>The reward of the image's greedy caption (the original self-critical baseline).</summary>
    Greedy,
}

/// <summary>Self-critical sequence training's settings (<c>spotlight train --scst --init MODEL</c>).</summary>
/// <param name="Samples">captions sampled per image each step</param>
public sealed record SelfCriticalOptions(int Samples = 5, SelfCriticalBaseline Baseline = SelfCriticalBaseline.MeanOfOthers)
{
    public void Validate()
    {
        if (Samples < 1) throw new SpotlightException($"--scst-samples must be at least 1, got {Samples}");
        if (Baseline == SelfCriticalBaseline.MeanOfOthers && Samples < 2)
            throw new SpotlightException("the mean-of-others baseline needs --scst-samples of at least 2");
    }
}

/// <summary>One self-critical step's numbers, for the progress line and the JSONL log.</summary>
/// <param name="Reward">mean CIDEr-D of the sampled captions</param>
/// <param name="Baseline">mean of the baselines they were compared with</param>
/// <param name="RewardSeconds">time spent tokenizing and scoring</param>
public sealed record SelfCriticalStats(double Reward, double Baseline, double MeanLength, double RewardSeconds, double StepSeconds);

/// <summary>
/// Self-critical sequence training (Rennie et al. 2017): sample K captions per image from the model, score each with
/// CIDEr-D against the image's references, and follow the REINFORCE gradient −(r − b) ∇ log p(caption) with b the
/// baseline. The network runs without dropout in both the sampling and the gradient pass, so the gradient is that of
/// the policy that drew the samples; sampling draws from a generator seeded by (seed, step), so a resumed run draws
/// the same captions as an uninterrupted one.
/// </summary>
public sealed class SelfCriticalStep
{
    private readonly Captioner network;
    private readonly Vocabulary vocabulary;
    private readonly SelfCriticalOptions options;
    private readonly ICaptionTokenizer tokenizer;
    private readonly CiderDReward reward;
    private readonly long seed;

    /// <param name="references">per training image (the loader's image order), its reference captions as written</param>
    public SelfCriticalStep(Captioner network, Vocabulary vocabulary, IReadOnlyList<IReadOnlyList<string>> references,
        SelfCriticalOptions options, ICaptionTokenizer? tokenizer, long seed)
    {
        options.Validate();
        this.network = network;
        this.vocabulary = vocabulary;
        this.options = options;
        this.tokenizer = tokenizer ?? CaptionTokenizers.Default;
        this.seed = seed;
        decoding = new DecodeOptions(BeamSize: 1, MaxLength: network.Config.MaxLength - 1, StartToken: Vocabulary.Start,
            EndToken: Vocabulary.End, BlockedTokens: [Vocabulary.Pad, Vocabulary.Start, Vocabulary.Unknown]);
        // Tokenized once, as `spotlight score` tokenizes references; the document frequencies come from all of them.
        var flat = this.tokenizer.TokenizeBatch([.. references.SelectMany(r => r)]);
        var tokenized = new List<IReadOnlyList<string>>(references.Count);
        int at = 0;
        foreach (var captions in references)
        {
            tokenized.Add(flat.Skip(at).Take(captions.Count).ToList());
            at += captions.Count;
        }
        reward = new CiderDReward(tokenized);
    }

    /// <summary>The reward model: training references and their document frequencies.</summary>
    public CiderDReward Reward => reward;

    /// <summary>What decoding a training sample may produce: the captioner's own limits, no &lt;unk&gt;.</summary>
    private readonly DecodeOptions decoding;

    /// <summary>
    /// Samples, scores and returns the loss to back-propagate (the caller steps the optimizer).
    /// regions (batch, n, dim) of the images <paramref name="images"/> (indexes into the references).
    /// </summary>
    public (Tensor Loss, SelfCriticalStats Stats) Loss(Tensor regions, IReadOnlyList<int> images, long step)
    {
        var clock = Stopwatch.StartNew();
        int k = options.Samples, batch = images.Count;
        network.eval();   // the regions should come from an encoder in eval mode too (the caller's job)
        var expanded = regions.repeat_interleave(k, 0);                                   // (batch·K, n, dim)
        var samples = Decode(expanded, new SamplingOptions(Seed: SampleSeed(step)));
        var sampleImages = Enumerable.Range(0, batch * k).Select(i => images[i / k]).ToList();

        var rewardClock = Stopwatch.StartNew();
        var rewards = Score(sampleImages, samples);
        double[] baselines;
        if (options.Baseline == SelfCriticalBaseline.Greedy)
        {
            var greedy = Score(images, Decode(regions, null));
            baselines = Enumerable.Range(0, batch * k).Select(i => greedy[i / k]).ToArray();
        }
        else baselines = MeanOfOthers(rewards, k);
        double rewardSeconds = rewardClock.Elapsed.TotalSeconds;

        var tokens = Tokens(samples);                                                       // (batch·K, T+1)
        var (logits, _) = network.ForwardRegions(expanded, tokens);                         // (batch·K, T, vocab)
        var targets = tokens[.., 1..];
        // The policy is the one sampling drew from: the tokens it never draws (<pad>, <start>, <unk>) are masked here
        // too. Without the mask the gradient would score samples under another distribution, and probability could
        // drift into words that are never drawn, so never pushed down.
        var blocked = torch.tensor(decoding.BlockedTokens!.Select(t => (long)t).ToArray());
        var real = targets.ne(Vocabulary.Pad);
        var logProbs = logits.index_fill(-1, blocked, double.NegativeInfinity).log_softmax(-1)
            .gather(2, targets.where(real, Vocabulary.End).unsqueeze(-1)).squeeze(-1);   // (batch·K, T); padding reads <end>, masked below
        var mask = real.to_type(logProbs.dtype);
        var advantage = torch.tensor(rewards.Zip(baselines, (r, b) => (float)(r - b)).ToArray()).unsqueeze(1);
        // self-critical.pytorch's RewardCriterion: the sum over sampled tokens, divided by the number of tokens.
        var loss = -(advantage * logProbs * mask).sum() / mask.sum().clamp_min(1);
        var stats = new SelfCriticalStats(rewards.Average(), baselines.Average(),
            samples.Average(s => s.Tokens.Length), rewardSeconds, clock.Elapsed.TotalSeconds);
        return (loss, stats);
    }

    /// <summary>
    /// Each sample's baseline: the mean reward of the other K − 1 samples of its image (rewards come K per image, in
    /// image order). Leaving the sample out keeps the gradient estimate unbiased.
    /// </summary>
    public static double[] MeanOfOthers(IReadOnlyList<double> rewards, int k)
    {
        if (k < 2 || rewards.Count % k != 0) throw new ArgumentException($"{rewards.Count} rewards are not groups of {k} ≥ 2");
        var baselines = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += k)
        {
            double sum = 0;
            for (int j = 0; j < k; j++) sum += rewards[start + j];
            for (int j = 0; j < k; j++) baselines[start + j] = (sum - rewards[start + j]) / (k - 1);
        }
        return baselines;
    }

    /// <summary>The per-step sampling seed: a function of the run's seed and the step alone.</summary>
    private long SampleSeed(long step) => unchecked(seed * 1_000_003L + step);

    private IReadOnlyList<Hypothesis> Decode(Tensor regions, SamplingOptions? sampling)
    {
        using var noGrad = torch.no_grad();
        var initial = network.Decoder.Start(regions);
        try
        {
            int rows = (int)regions.shape[0];
            return sampling is null
                ? Greedy.Decode(network.Decoder.DecodeStep, initial, rows, decoding)
                : Sampler.Decode(network.Decoder.DecodeStep, initial, rows, decoding, sampling);
        }
        finally
        {
            network.Decoder.Release(initial);
        }
    }

    /// <summary>CIDEr-D of decoded captions, tokenized as `spotlight score` tokenizes candidates.</summary>
    public double[] Score(IReadOnlyList<int> images, IReadOnlyList<Hypothesis> captions) =>
        reward.Score(images, tokenizer.TokenizeBatch([.. captions.Select(h => vocabulary.Decode(h.Tokens))]));

    /// <summary>&lt;start&gt; caption &lt;end&gt; &lt;pad&gt;…, one row per hypothesis (no &lt;end&gt; when it was cut off).</summary>
    private static Tensor Tokens(IReadOnlyList<Hypothesis> samples)
    {
        int width = 1 + samples.Max(s => s.Tokens.Length + (s.Finished ? 1 : 0));
        var data = new long[samples.Count * width];
        for (int i = 0; i < samples.Count; i++)
        {
            var row = data.AsSpan(i * width, width);
            row[0] = Vocabulary.Start;
            for (int t = 0; t < samples[i].Tokens.Length; t++) row[1 + t] = samples[i].Tokens[t];
            if (samples[i].Finished) row[1 + samples[i].Tokens.Length] = Vocabulary.End;
        }
        return torch.tensor(data, [samples.Count, width]);
    }
}
