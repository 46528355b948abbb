using Spotlight.Decoding;

namespace Spotlight.Tests.Decoding;

/// <summary>Sampled decoding: reproducible by seed, truncation that behaves, the shared masks, and its log-probabilities.</summary>
public class SamplerTests
{
    private static readonly DecodeOptions Options = new(BeamSize: 1, MaxLength: 12);

    [Fact]
    public void The_same_seed_draws_the_same_captions_and_another_seed_other_ones()
    {
        var model = new ToyModel(vocab: 9, sources: 3, seed: 4, endBoost: -1f, sharpness: 1f);
        var initial = model.Initial(6, 4);
        var a = Sampler.Decode(model.Step, initial, 6, Options, new SamplingOptions(Seed: 1));
        var b = Sampler.Decode(model.Step, initial, 6, Options, new SamplingOptions(Seed: 1));
        var c = Sampler.Decode(model.Step, initial, 6, Options, new SamplingOptions(Seed: 2));
        Assert.Equal(a.Select(h => string.Join(",", h.Tokens)), b.Select(h => string.Join(",", h.Tokens)));
        Assert.NotEqual(a.Select(h => string.Join(",", h.Tokens)), c.Select(h => string.Join(",", h.Tokens)));
    }

    [Fact]
    public void Top_k_of_one_and_a_tiny_nucleus_are_greedy()
    {
        var model = new ToyModel(vocab: 9, sources: 3, seed: 5, endBoost: -1f, sharpness: 1f);
        var initial = model.Initial(5, 5);
        var greedy = Greedy.Decode(model.Step, initial, 5, Options);
        foreach (var sampling in new[] { new SamplingOptions(TopK: 1, Seed: 3), new SamplingOptions(TopP: 1e-6, Seed: 3) })
        {
            var sampled = Sampler.Decode(model.Step, initial, 5, Options, sampling);
            ExactnessTests.AssertSameHypotheses(greedy, sampled);
        }
    }

    [Fact]
    public void Samples_follow_the_model_and_report_its_log_probability()
    {
        // Many draws from one item: the first token's frequencies approach the model's first-step probabilities.
        var model = new ToyModel(vocab: 5, sources: 2, seed: 6, endBoost: 0f, sharpness: 1f);
        var one = model.Initial(1, 6);
        var first = model.Step(TorchSharp.torch.tensor(new long[] { ToyModel.Start }), one).LogProbs.exp()[0].data<float>().ToArray();
        var initial = model.Initial(1, 6);
        var counts = new double[5];
        const int draws = 4000;
        var hypotheses = Sampler.Decode(model.Step, Repeat(model, 6, draws), draws, Options with { MaxLength = 1 }, new SamplingOptions(Seed: 8));
        foreach (var h in hypotheses) counts[h.Finished ? ToyModel.End : h.Tokens[0]]++;
        for (int token = 0; token < 5; token++)
            Assert.True(Math.Abs(counts[token] / draws - first[token]) < 0.03, $"token {token}: {counts[token] / draws:F3} vs p = {first[token]:F3}");

        // The log-probability is the model's (replayed), not the tempered distribution's.
        var hot = Sampler.Decode(model.Step, initial, 1, Options, new SamplingOptions(Temperature: 2.5, Seed: 4))[0];
        var (replayed, _) = Oracles.Replay(model.Step, initial, 0, hot, Options);
        Assert.Equal(replayed, hot.LogProb, 5);
    }

    [Fact]
    public void Masks_apply_to_samples_too()
    {
        var model = new ToyModel(vocab: 6, sources: 2, seed: 7, endBoost: 2f, sharpness: 1f);
        var initial = model.Initial(8, 7);
        var options = Options with { MinLength = 3, BlockedTokens = [4] };
        foreach (var h in Sampler.Decode(model.Step, initial, 8, options, new SamplingOptions(Seed: 2)))
        {
            Assert.DoesNotContain(4, h.Tokens);
            Assert.True(h.Tokens.Length >= 3, string.Join(",", h.Tokens));
        }
    }

    [Theory]
    [InlineData(0.0, 0, 1.0, "temperature")]
    [InlineData(double.NaN, 0, 1.0, "temperature")]
    [InlineData(1.0, -1, 1.0, "top-k")]
    [InlineData(1.0, 0, 0.0, "top-p")]
    [InlineData(1.0, 0, 1.5, "top-p")]
    public void Bad_sampling_settings_are_one_line_errors(double temperature, int topK, double topP, string named)
    {
        var model = new ToyModel(vocab: 5, sources: 2, seed: 1);
        var e = Assert.Throws<SpotlightException>(() =>
            Sampler.Decode(model.Step, model.Initial(1, 1), 1, Options, new SamplingOptions(temperature, topK, topP)));
        Assert.Contains(named, e.Message);
    }

    private static ToyState Repeat(ToyModel model, int seed, int rows)
    {
        var one = model.Initial(1, seed);
        return new ToyState(one.H.expand(rows, -1).contiguous(), one.Bias.expand(rows, -1).contiguous(), one.Memory.expand(rows, -1).contiguous());
    }
}

/// <summary>The repetition penalty: greedy follows a hand-written penalised arg-max, and beam 1 agrees with it.</summary>
public class RepetitionPenaltyTests
{
    [Fact]
    public void Greedy_with_a_penalty_picks_the_penalised_arg_max_and_beam_one_agrees()
    {
        int changed = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            var model = new ToyModel(vocab: 7, sources: 2, seed, endBoost: -2f, sharpness: 3f);
            var initial = model.Initial(3, seed);
            var options = new DecodeOptions(BeamSize: 1, MaxLength: 9, RepetitionPenalty: 3.0);
            var greedy = Greedy.Decode(model.Step, initial, 3, options);
            var beam = BeamSearch.Decode(model.Step, initial, 3, options).Select(b => b[0]).ToList();
            var plain = Greedy.Decode(model.Step, initial, 3, options with { RepetitionPenalty = 1 });
            for (int item = 0; item < 3; item++)
            {
                var (tokens, logProb) = Oracle(model, initial, item, 9, 3.0);
                Assert.Equal(tokens, Generated(greedy[item]));
                Assert.Equal(logProb, greedy[item].LogProb, 4);
                Assert.Equal(tokens, Generated(beam[item]));
                Assert.Equal(logProb, beam[item].LogProb, 4);
                if (!tokens.SequenceEqual(Generated(plain[item]))) changed++;
            }
        }
        Assert.True(changed > 0, "the penalty never changed a caption, so the test cannot fail");
    }

    private static int[] Generated(Hypothesis h) => h.Finished ? [.. h.Tokens, ToyModel.End] : h.Tokens;

    /// <summary>One row, one step at a time: log p of tokens already generated × θ, then the arg-max.</summary>
    private static (int[] Tokens, double LogProb) Oracle(ToyModel model, IDecoderState initial, int item, int maxLength, double theta)
    {
        var state = initial.Select(TorchSharp.torch.tensor(new long[] { item }));
        long previous = ToyModel.Start;
        var tokens = new List<int>();
        double total = 0;
        while (tokens.Count < maxLength)
        {
            var output = model.Step(TorchSharp.torch.tensor(new[] { previous }), state);
            var scores = output.LogProbs[0].to_type(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray();
            foreach (var seen in tokens.Distinct()) scores[seen] *= theta;
            int best = Array.IndexOf(scores, scores.Max());
            total += scores[best];
            tokens.Add(best);
            if (best == ToyModel.End) break;
            state = output.State;
            previous = best;
        }
        return ([.. tokens], total);
    }
}
