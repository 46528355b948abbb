using Spotlight.Decoding;

namespace Spotlight.Tests.Decoding;

/// <summary>Hand-written models (tokens: x = 0, start = 1, end = 2, y = 3, w = 4) with the answer worked out in comments.</summary>
public class StoppingTests
{
    private const int X = 0, Y = 3, W = 4;

    [Fact]
    public void A_finished_hypothesis_waits_until_no_open_beam_can_beat_it()
    {
        // P(x)=.6, P(end)=.4; after x: P(y)=.9, P(end)=.1; after x y: P(end)=.9, P(w)=.1; otherwise always end.
        // Step 1 finishes "" (.4) but open x (.6) could still win; step 2 finishes "x" (.06), open x y (.54) could
        // still win; step 3 finishes "x y" (.486) and the open x y w (.054) cannot beat it: stop after 3 steps.
        var model = new PrefixModel(5, [0, 0, 1, 0, 0])
            .With([], [0.6, 0, 0.4, 0, 0])
            .With([X], [0, 0, 0.1, 0.9, 0])
            .With([X, Y], [0, 0, 0.9, 0, 0.1]);
        var options = new DecodeOptions(BeamSize: 2, MaxLength: 10, NBest: 2);

        var result = BeamSearch.Decode(model.Step, model.Initial(1), 1, options)[0];

        Assert.Equal([X, Y], result[0].Tokens);
        Assert.Equal(Math.Log(0.486), result[0].LogProb, 1e-5);
        Assert.True(result[0].Finished);
        Assert.Empty(result[1].Tokens);                        // the runner-up: "" at .4, kept aside since step 1
        Assert.Equal(Math.Log(0.4), result[1].LogProb, 1e-5);
        Assert.Equal(3, model.Calls);
    }

    [Fact]
    public void With_a_length_penalty_a_short_finished_hypothesis_waits_for_longer_ones_that_may_still_win()
    {
        // Average penalty, α = 1 (score = log-prob / length). Root: end .74, x .26; then y .98 / end .02, and after
        // x y y y y: end .99. Step 1 finishes "" with score ln .74 = −0.301. The open x (ln .26 = −1.347) could still
        // reach −1.347 / 6 = −0.2245 at the maximum length 6, so decoding must go on (a bound taken at the next
        // length, −1.347 / 2, would stop here). x y y y y end scores (ln .26 + 4 ln .98 + ln .99) / 6 = −0.2396: it wins.
        var model = new PrefixModel(5, [0, 0, 0.02, 0.98, 0])
            .With([], [0.26, 0, 0.74, 0, 0])
            .With([X, Y, Y, Y, Y], [0, 0, 0.99, 0.01, 0]);
        var options = new DecodeOptions(BeamSize: 2, MaxLength: 6, LengthPenalty: LengthPenaltyKind.Average, LengthAlpha: 1);

        var best = BeamSearch.Decode(model.Step, model.Initial(1), 1, options)[0][0];

        Assert.Equal([X, Y, Y, Y, Y], best.Tokens);
        Assert.True(best.Finished);
        Assert.Equal((Math.Log(0.26) + 4 * Math.Log(0.98) + Math.Log(0.99)) / 6, best.Score, 1e-6);
    }

    [Fact]
    public void Beam_search_is_not_monotone_in_width_so_a_wider_beam_can_lose_to_greedy()
    {
        // Root: x .5, y .3, w .2. After x: w .28, others .24 (end included). After y: x .51, w .49.
        // After x w: end .9. Otherwise: end .6, x .1, y .15, w .15.
        // Greedy: x, w, end = .5 · .28 · .9 = .126.
        // Beam 2 keeps x and y, then y x (.153) and y w (.147) push x w (.14) out; its best is y x end = .0918.
        var model = new PrefixModel(5, [0.1, 0, 0.6, 0.15, 0.15])
            .With([], [0.5, 0, 0, 0.3, 0.2])
            .With([X], [0.24, 0, 0.24, 0.24, 0.28])
            .With([Y], [0.51, 0, 0, 0, 0.49])
            .With([X, W], [0.1, 0, 0.9, 0, 0]);
        var options = new DecodeOptions(BeamSize: 2, MaxLength: 3);

        var greedy = Greedy.Decode(model.Step, model.Initial(1), 1, options)[0];
        var beam = BeamSearch.Decode(model.Step, model.Initial(1), 1, options)[0][0];

        Assert.Equal([X, W], greedy.Tokens);
        Assert.Equal(Math.Log(0.126), greedy.LogProb, 1e-5);
        Assert.Equal([Y, X], beam.Tokens);
        Assert.Equal(Math.Log(0.0918), beam.LogProb, 1e-5);
    }

    [Fact]
    public void Without_an_end_within_max_length_the_best_unfinished_beam_is_returned()
    {
        // <end> has probability 0 everywhere; x .5, y .3, w .2 → the best 3-token sequence is x x x (.125).
        var model = new PrefixModel(5, [0.5, 0, 0, 0.3, 0.2]);
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 3, NBest: 3);

        var greedy = Greedy.Decode(model.Step, model.Initial(2), 2, options);
        var beam = BeamSearch.Decode(model.Step, model.Initial(2), 2, options);

        foreach (var hypothesis in greedy.Concat(beam.Select(b => b[0])))
        {
            Assert.False(hypothesis.Finished);
            Assert.Equal([X, X, X], hypothesis.Tokens);
            Assert.Equal(3 * Math.Log(0.5), hypothesis.LogProb, 1e-5);
        }
        Assert.All(beam, b => Assert.Equal(3, b.Count));
        Assert.All(beam, b => Assert.Equal(3, b.Select(h => string.Join(",", h.Tokens)).Distinct().Count()));
        Assert.All(beam, b => Assert.True(b[0].Score >= b[1].Score && b[1].Score >= b[2].Score));
    }

    [Fact]
    public void When_every_continuation_is_blocked_decoding_returns_the_path_so_far()
    {
        // Only x and y are possible (x .6, y .4; after y: x .9) and NoRepeatNgram = 1 forbids reusing either, so
        // after two tokens nothing is allowed. Greedy: x y (.24). Beam: y x (.36) then x y (.24), both unfinished.
        var model = new PrefixModel(5, [0.6, 0, 0, 0.4, 0]).With([Y], [0.9, 0, 0, 0.1, 0]);
        var options = new DecodeOptions(BeamSize: 2, MaxLength: 5, NBest: 2, NoRepeatNgram: 1);

        var greedy = Greedy.Decode(model.Step, model.Initial(1), 1, options)[0];
        var beam = BeamSearch.Decode(model.Step, model.Initial(1), 1, options)[0];

        Assert.Equal([X, Y], greedy.Tokens);
        Assert.False(greedy.Finished);
        Assert.Equal(Math.Log(0.24), greedy.LogProb, 1e-5);
        Assert.Equal([Y, X], beam[0].Tokens);
        Assert.Equal(Math.Log(0.36), beam[0].LogProb, 1e-5);
        Assert.Equal([X, Y], beam[1].Tokens);
        Assert.All(beam, h => Assert.False(h.Finished));
    }

    [Fact]
    public void Decoding_stops_for_the_whole_batch_once_every_item_is_done()
    {
        // <end> gets +6 on its logit at every step, so each item's best hypothesis ends within a few steps and
        // then no open beam can beat it; a decoder that ran the batch to MaxLength would make 20 step calls.
        var model = new ToyModel(vocab: 6, sources: 3, seed: 5, endBoost: 6f);
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 20);

        var beam = BeamSearch.Decode(model.Step, model.Initial(4, 1), 4, options);

        Assert.All(beam, b => Assert.True(b[0].Finished));
        Assert.True(model.Calls <= 3, $"{model.Calls} step calls");
    }

    [Fact]
    public void Each_item_stops_at_its_own_maximum_length()
    {
        var model = new PrefixModel(5, [0.5, 0, 0, 0.3, 0.2]);          // never ends
        var limits = TorchSharp.torch.tensor(new long[] { 2, 5, 30 });
        var options = new DecodeOptions(BeamSize: 2, MaxLength: 4, MaxLengthPerItem: limits);

        var greedy = Greedy.Decode(model.Step, model.Initial(3), 3, options);
        var beam = BeamSearch.Decode(model.Step, model.Initial(3), 3, options);

        Assert.Equal([2, 4, 4], greedy.Select(h => h.Tokens.Length));   // min(MaxLength, per item)
        Assert.Equal([2, 4, 4], beam.Select(b => b[0].Tokens.Length));
    }
}
