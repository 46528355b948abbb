using Spotlight.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Decoding;

/// <summary>Tensor lifetime and bad input.</summary>
public class LifetimeTests
{
    [Fact]
    public void Decoding_leaves_no_tensor_alive_and_the_callers_state_intact()
    {
        var model = new ToyModel(vocab: 9, sources: 4, seed: 1);
        var initial = model.Initial(5, 3);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var beam = BeamSearch.Decode(model.Step, initial, 5, new DecodeOptions(BeamSize: 3, MaxLength: 15, NBest: 2));
        var greedy = Greedy.Decode(model.Step, initial, 5, new DecodeOptions(MaxLength: 15));

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        using (var sum = initial.H.sum() + initial.Bias.sum() + initial.Memory.sum())   // a disposed tensor would throw
            Assert.True(float.IsFinite(sum.item<float>()));
        Assert.True(model.Calls > 4);                           // the decodes did run for several steps
        Assert.Equal(5, beam.Count);
        Assert.Equal(5, greedy.Count);
    }

    [Fact]
    public void Live_tensors_do_not_grow_with_the_number_of_steps()
    {
        // <end> at −30 on its logit: no item finishes, so every step has the same rows and should hold the same
        // tensors; a decoder that kept replaced states until the end would grow by a state per step.
        var model = new ToyModel(vocab: 9, sources: 4, seed: 2, endBoost: -30f);
        var initial = model.Initial(3, 1);

        BeamSearch.Decode(model.Step, initial, 3, new DecodeOptions(BeamSize: 3, MaxLength: 12));
        var beamCounts = model.LiveTensorsPerCall.ToList();
        model.LiveTensorsPerCall.Clear();
        Greedy.Decode(model.Step, initial, 3, new DecodeOptions(MaxLength: 12));
        var greedyCounts = model.LiveTensorsPerCall.ToList();

        Assert.Equal(12, beamCounts.Count);
        Assert.Single(beamCounts.Skip(2).Distinct());      // from the third step on, rows and tensors are steady
        Assert.Single(greedyCounts.Skip(2).Distinct());
    }

    [Fact]
    public void A_state_that_selects_in_place_and_owns_its_tensors_decodes_the_same_and_leaks_nothing()
    {
        // The Transformer's KeyValueCache pattern: Select works in place and the state lists no tensors.
        var model = new ToyModel(vocab: 8, sources: 3, seed: 6);
        var initial = model.Initial(4, 2);
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 10, NBest: 2);
        var expectedBeam = BeamSearch.Decode(model.Step, initial, 4, options);
        var expectedGreedy = Greedy.Decode(model.Step, initial, 4, options);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (var state = new InPlaceState(initial))
        {
            var beam = BeamSearch.Decode((tokens, s) => InPlaceState.Step(model, tokens, s), state, 4, options);
            for (var item = 0; item < 4; item++) ExactnessTests.AssertSameHypotheses(expectedBeam[item], beam[item]);
        }
        using (var state = new InPlaceState(initial))
        {
            var greedy = Greedy.Decode((tokens, s) => InPlaceState.Step(model, tokens, s), state, 4, options);
            ExactnessTests.AssertSameHypotheses(expectedGreedy, greedy);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [InlineData(0, 1, "BeamSize")]
    [InlineData(3, 4, "NBest")]
    public void Bad_options_are_named_in_a_one_line_error(int beamSize, int nBest, string named)
    {
        var model = new ToyModel(vocab: 5, sources: 2, seed: 0);
        var error = Assert.Throws<SpotlightException>(() =>
            BeamSearch.Decode(model.Step, model.Initial(1, 0), 1, new DecodeOptions(BeamSize: beamSize, NBest: nBest)));
        Assert.Contains(named, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_end_token_outside_the_vocabulary_is_reported()
    {
        var model = new ToyModel(vocab: 5, sources: 2, seed: 0);
        var error = Assert.Throws<SpotlightException>(() =>
            Greedy.Decode(model.Step, model.Initial(1, 0), 1, new DecodeOptions(EndToken: 5)));
        Assert.Contains("EndToken=5", error.Message);
    }

    [Fact]
    public void Coverage_penalty_without_attention_is_reported()
    {
        var model = new PrefixModel(5, [0.5, 0, 0.2, 0.3, 0]);
        var error = Assert.Throws<SpotlightException>(() =>
            BeamSearch.Decode(model.Step, model.Initial(1), 1, new DecodeOptions(CoverageBeta: 0.2)));
        Assert.Contains("CoverageBeta", error.Message);
    }

    [Fact]
    public void Max_length_per_item_of_the_wrong_shape_is_reported()
    {
        var model = new ToyModel(vocab: 5, sources: 2, seed: 0);
        var options = new DecodeOptions(MaxLengthPerItem: tensor(new long[] { 3, 4 }));
        var error = Assert.Throws<SpotlightException>(() => Greedy.Decode(model.Step, model.Initial(3, 0), 3, options));
        Assert.Contains("MaxLengthPerItem", error.Message);
    }

    [Fact]
    public void A_step_returning_the_wrong_number_of_rows_is_reported()
    {
        var model = new ToyModel(vocab: 5, sources: 2, seed: 0);
        StepOutput Broken(Tensor tokens, IDecoderState state)
        {
            var output = model.Step(tokens, state);
            return output with { LogProbs = output.LogProbs.narrow(0, 0, 1) };
        }
        var error = Assert.Throws<InvalidOperationException>(() =>
            BeamSearch.Decode(Broken, model.Initial(3, 0), 3, new DecodeOptions()));
        Assert.Contains("expected (3, vocab)", error.Message);
    }

    [Fact]
    public void An_empty_batch_decodes_to_nothing()
    {
        var model = new ToyModel(vocab: 5, sources: 2, seed: 0);
        Assert.Empty(BeamSearch.Decode(model.Step, model.Initial(0, 0), 0, new DecodeOptions()));
        Assert.Empty(Greedy.Decode(model.Step, model.Initial(0, 0), 0, new DecodeOptions()));
        Assert.Equal(0, model.Calls);
    }
}
