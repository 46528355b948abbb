using Spotlight.Decoding;

namespace Spotlight.Tests.Decoding;

/// <summary>n-gram blocking and MinLength: never violated, and not over-applied (exhaustive search agrees).</summary>
public class ConstraintTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void N_gram_blocking_never_emits_a_repeated_n_gram(int n)
    {
        var repeatsWithoutBlocking = 0;
        for (var seed = 0; seed < 8; seed++)
        {
            // Sharp transitions and a weak <end> make cycles like x y x y likely.
            var model = new ToyModel(vocab: 7, sources: 2, seed, endBoost: -2f, sharpness: 3f);
            var initial = model.Initial(3, seed);
            var blocked = new DecodeOptions(BeamSize: 4, MaxLength: 10, NBest: 3, NoRepeatNgram: n);

            var outputs = BeamSearch.Decode(model.Step, initial, 3, blocked).SelectMany(b => b)
                .Concat(Greedy.Decode(model.Step, initial, 3, blocked));
            foreach (var hypothesis in outputs)
                Assert.False(Oracles.HasRepeatedNgram(Generated(hypothesis), n), string.Join(",", hypothesis.Tokens));

            repeatsWithoutBlocking += BeamSearch.Decode(model.Step, initial, 3, blocked with { NoRepeatNgram = 0 })
                .SelectMany(b => b).Count(h => Oracles.HasRepeatedNgram(Generated(h), n));
        }
        Assert.True(repeatsWithoutBlocking > 0, "the toy never repeats, so the test cannot fail");
    }

    [Fact]
    public void Blocked_tokens_are_never_generated_by_greedy_or_beam_search()
    {
        int seen = 0;
        for (var seed = 0; seed < 6; seed++)
        {
            var model = new ToyModel(vocab: 6, sources: 2, seed, endBoost: -1f, sharpness: 2f);
            var initial = model.Initial(3, seed);
            var options = new DecodeOptions(BeamSize: 3, MaxLength: 8, NBest: 2);
            var blocked = options with { BlockedTokens = [3, 4] };
            var outputs = BeamSearch.Decode(model.Step, initial, 3, blocked).SelectMany(b => b).Concat(Greedy.Decode(model.Step, initial, 3, blocked));
            Assert.All(outputs, h => Assert.DoesNotContain(h.Tokens, t => t is 3 or 4));
            seen += BeamSearch.Decode(model.Step, initial, 3, options).SelectMany(b => b).Count(h => h.Tokens.Any(t => t is 3 or 4));
        }
        Assert.True(seen > 0, "the toy never emits tokens 3 or 4 unblocked, so the test cannot fail");
        Assert.Throws<SpotlightException>(() => new DecodeOptions(EndToken: 2, BlockedTokens: [2]).Validate());
    }

    [Fact]
    public void End_is_blocked_before_min_length()
    {
        // A strong <end> makes short outputs likely; MinLength must hold anyway.
        var model = new ToyModel(vocab: 6, sources: 2, seed: 9, endBoost: 2.5f);
        var initial = model.Initial(5, 2);
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 10, NBest: 3);

        var free = BeamSearch.Decode(model.Step, initial, 5, options).SelectMany(b => b);
        Assert.Contains(free, h => h.Finished && h.Tokens.Length < 4);

        var constrained = options with { MinLength = 4 };
        var outputs = BeamSearch.Decode(model.Step, initial, 5, constrained).SelectMany(b => b)
            .Concat(Greedy.Decode(model.Step, initial, 5, constrained));
        Assert.All(outputs, h => Assert.True(h.Tokens.Length >= 4, string.Join(",", h.Tokens)));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    public void With_constraints_a_wide_beam_still_finds_the_exhaustive_best(int noRepeat, int minLength)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var model = new ToyModel(vocab: 4, sources: 2, seed, endBoost: 0.5f, sharpness: 2.5f);
            var initial = model.Initial(2, seed);
            var options = new DecodeOptions(BeamSize: 256, MaxLength: 4, NBest: 2, NoRepeatNgram: noRepeat,
                MinLength: minLength, LengthPenalty: LengthPenaltyKind.Average, LengthAlpha: 0.5);
            var beam = BeamSearch.Decode(model.Step, initial, 2, options);
            for (var item = 0; item < 2; item++)
            {
                var all = Oracles.Enumerate(model.Step, initial, item, options, 4,
                    allowed: s => noRepeat == 0 || !Oracles.HasRepeatedNgram(s, noRepeat));
                ExactnessTests.AssertSameHypotheses(Oracles.ExpectedBest(all, 2), beam[item]);
            }
        }
    }

    private static int[] Generated(Hypothesis h) => h.Finished ? [.. h.Tokens, ToyModel.End] : h.Tokens;
}
