using Spotlight.Decoding;
using static TorchSharp.torch;

namespace Spotlight.Tests.Decoding;

/// <summary>Decoding many items together must give what decoding each alone gives, and what the model says.</summary>
public class BatchingTests
{
    private const int Batch = 6;

    [Fact]
    public void Batched_beam_search_equals_decoding_each_item_alone()
    {
        var model = new ToyModel(vocab: 8, sources: 5, seed: 3, endBoost: 0.3f);
        var initial = model.Initial(Batch, 11);
        var limits = tensor(new long[] { 12, 3, 7, 12, 5, 9 });
        var options = new DecodeOptions(BeamSize: 4, MaxLength: 12, NBest: 3, LengthPenalty: LengthPenaltyKind.Gnmt,
            LengthAlpha: 0.7, CoverageBeta: 0.2, MaxLengthPerItem: limits);

        var batched = BeamSearch.Decode(model.Step, initial, Batch, options);
        var rowsPerCall = model.RowsPerCall.ToList();

        for (var item = 0; item < Batch; item++)
        {
            var alone = BeamSearch.Decode(model.Step, initial.Select(tensor(new long[] { item })), 1,
                options with { MaxLengthPerItem = limits.narrow(0, item, 1) });
            AssertIdentical(alone[0], batched[item]);
        }
        // Items finished at different steps and left the batch: the step saw fewer rows later on.
        Assert.True(batched.Select(b => b[0].Tokens.Length).Distinct().Count() > 2);
        Assert.Equal(Batch, rowsPerCall[0]);                       // the first step runs on the items as given
        Assert.Equal(Batch * 4, rowsPerCall[1]);                   // then BeamSize rows per item
        Assert.True(rowsPerCall.Distinct().Count() > 3);
    }

    [Fact]
    public void Batched_greedy_equals_decoding_each_item_alone()
    {
        var model = new ToyModel(vocab: 8, sources: 5, seed: 4);
        var initial = model.Initial(Batch, 12);
        var options = new DecodeOptions(MaxLength: 12, NoRepeatNgram: 2);

        var batched = Greedy.Decode(model.Step, initial, Batch, options);
        var rowsPerCall = model.RowsPerCall.ToList();

        for (var item = 0; item < Batch; item++)
        {
            var alone = Greedy.Decode(model.Step, initial.Select(tensor(new long[] { item })), 1, options);
            AssertIdentical(alone, [batched[item]]);
        }
        Assert.True(batched.Select(h => h.Tokens.Length).Distinct().Count() > 2);
        Assert.Equal(Batch, rowsPerCall[0]);
        Assert.True(rowsPerCall.Last() < Batch, "finished items should leave the batch");
    }

    [Fact]
    public void Returned_log_probs_and_attention_match_a_replay_of_the_tokens()
    {
        // A wrong back-pointer pairs one beam's tokens with another beam's scores or attention: replaying the tokens
        // through the model gives the true numbers.
        for (var seed = 0; seed < 5; seed++)
        {
            var model = new ToyModel(vocab: 7, sources: 4, seed, endBoost: -0.3f);
            var initial = model.Initial(4, seed);
            var options = new DecodeOptions(BeamSize: 4, MaxLength: 8, NBest: 4, LengthPenalty: LengthPenaltyKind.Average,
                LengthAlpha: 1.0, CoverageBeta: 0.4);
            var beam = BeamSearch.Decode(model.Step, initial, 4, options);
            var greedy = Greedy.Decode(model.Step, initial, 4, options);

            for (var item = 0; item < 4; item++)
            {
                foreach (var hypothesis in beam[item].Append(greedy[item]))
                {
                    var (logProb, attention) = Oracles.Replay(model.Step, initial, item, hypothesis, options);
                    Assert.Equal(logProb, hypothesis.LogProb, 1e-9);
                    Assert.Equal(attention!, hypothesis.Attention!);
                    var length = hypothesis.Tokens.Length + (hypothesis.Finished ? 1 : 0);
                    Assert.Equal(HypothesisScore.Score(options, logProb, length, attention, null), hypothesis.Score, 1e-9);
                }
            }
        }
    }

    [Fact]
    public void Source_mask_leaves_each_items_padded_sources_out_of_the_coverage_penalty()
    {
        // 8 sources and at most 6 steps: some coverage stays below 1, so masking a source changes the penalty.
        var model = new ToyModel(vocab: 7, sources: 8, seed: 8);
        var initial = model.Initial(2, 4);
        bool[][] masks = [[true, true, true, true, true, false, false, false], [.. Enumerable.Repeat(true, 8)]];
        var flat = masks.SelectMany(m => m).Select(real => real ? 1L : 0L).ToArray();
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 6, NBest: 2, CoverageBeta: 0.5,
            SourceMask: tensor(flat).view(2, 8));

        var beam = BeamSearch.Decode(model.Step, initial, 2, options);

        for (var item = 0; item < 2; item++)
        {
            foreach (var h in beam[item])
            {
                var length = h.Tokens.Length + (h.Finished ? 1 : 0);
                Assert.Equal(HypothesisScore.Score(options, h.LogProb, length, h.Attention, masks[item]), h.Score, 1e-12);
            }
        }
        var first = beam[0][0];
        var firstLength = first.Tokens.Length + (first.Finished ? 1 : 0);
        Assert.NotEqual(HypothesisScore.Score(options, first.LogProb, firstLength, first.Attention, null), first.Score, 1e-6);
    }

    private static void AssertIdentical(IReadOnlyList<Hypothesis> expected, IReadOnlyList<Hypothesis> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Tokens, actual[i].Tokens);
            Assert.Equal(expected[i].Finished, actual[i].Finished);
            Assert.Equal(expected[i].LogProb, actual[i].LogProb, 1e-6);
            Assert.Equal(expected[i].Score, actual[i].Score, 1e-6);
        }
    }
}
