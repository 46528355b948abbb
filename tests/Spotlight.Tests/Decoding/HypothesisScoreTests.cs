using Spotlight.Decoding;

namespace Spotlight.Tests.Decoding;

public class HypothesisScoreTests
{
    [Fact]
    public void Gnmt_length_penalty_is_five_plus_length_over_six_to_the_alpha()
    {
        // ((5 + 3) / 6)^0.6 = exp(0.6 · ln(4/3)) = exp(0.6 · 0.2876821) = 1.1884016
        Assert.Equal(1.1884016, HypothesisScore.LengthPenalty(LengthPenaltyKind.Gnmt, 0.6, 3), 1e-6);
    }

    [Fact]
    public void Average_length_penalty_is_length_to_the_alpha_and_none_is_one()
    {
        Assert.Equal(2.0, HypothesisScore.LengthPenalty(LengthPenaltyKind.Average, 0.5, 4), 1e-12);   // √4
        Assert.Equal(5.0, HypothesisScore.LengthPenalty(LengthPenaltyKind.Average, 1.0, 5), 1e-12);
        Assert.Equal(1.0, HypothesisScore.LengthPenalty(LengthPenaltyKind.None, 0.7, 9), 1e-12);
    }

    [Fact]
    public void Coverage_penalty_sums_log_of_capped_coverage_over_sources()
    {
        // coverage = [0.5+0.7, 0.5+0.2, 0+0.1] = [1.2, 0.7, 0.1] → capped [1, 0.7, 0.1]
        // Σ log = 0 − 0.3566749 − 2.3025851 = −2.6592600; × β = 0.5 → −1.3296300
        float[][] attention = [[0.5f, 0.5f, 0f], [0.7f, 0.2f, 0.1f]];
        Assert.Equal(-1.3296300, HypothesisScore.CoveragePenalty(0.5, attention, null), 1e-6);
    }

    [Fact]
    public void Coverage_penalty_leaves_masked_sources_out()
    {
        // Only sources 0 and 1 are real: 0.5 · (log 1 + log 0.7) = −0.1783375
        float[][] attention = [[0.5f, 0.5f, 0f], [0.7f, 0.2f, 0.1f]];
        Assert.Equal(-0.1783375, HypothesisScore.CoveragePenalty(0.5, attention, [true, true, false]), 1e-6);
    }

    [Fact]
    public void Score_divides_the_log_prob_by_the_length_penalty_and_adds_coverage()
    {
        // −3 / 1.1884016 = −2.5243991, plus 0.5 · (−2.6592600) = −1.3296300 → −3.8540291
        var options = new DecodeOptions(LengthPenalty: LengthPenaltyKind.Gnmt, LengthAlpha: 0.6, CoverageBeta: 0.5);
        float[][] attention = [[0.5f, 0.5f, 0f], [0.7f, 0.2f, 0.1f], [0f, 0f, 0f]];
        Assert.Equal(-3.8540291, HypothesisScore.Score(options, -3.0, 3, attention, null), 1e-6);
    }

    [Fact]
    public void Upper_bound_uses_the_longest_allowed_length_when_scores_can_rise()
    {
        var average = new DecodeOptions(LengthPenalty: LengthPenaltyKind.Average, LengthAlpha: 1.0);
        Assert.Equal(-0.2, HypothesisScore.UpperBound(average, -2.0, 3, 10), 1e-12);       // −2 / 10
        Assert.Equal(-2.0, HypothesisScore.UpperBound(new DecodeOptions(), -2.0, 3, 10), 1e-12);
        Assert.Equal(double.NegativeInfinity, HypothesisScore.UpperBound(average, -2.0, 11, 10));
    }
}
