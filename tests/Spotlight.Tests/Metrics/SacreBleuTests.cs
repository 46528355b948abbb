using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

/// <summary>
/// Expected numbers are sacreBLEU's own published test vectors (mjpost/sacrebleu, test/test_bleu.py,
/// test/test_sentence_bleu.py and the README's API examples), each named where it is used, plus hand arithmetic.
/// </summary>
public class SacreBleuTests
{
    private const double Epsilon = 1e-8;   // test_bleu.py's EPSILON

    // test_bleu.py: _refs / _hyps (also the README's API example).
    private static readonly string[][] Refs =
    {
        new[] { "The dog bit the man.", "It was not unexpected.", "The man bit him first." },
        new[] { "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog." },
    };
    private static readonly string[] Hyps =
        { "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him." };

    // raw_corpus_bleu in sacrebleu/compat.py: no tokenization, floor smoothing, effective order.
    private static SacreBleuResult RawCorpusBleu(string[] hyps, string[][] refs, double? floor = 0.1) =>
        SacreBleu.Corpus(hyps, refs, new SacreBleuOptions(SacreBleuTokenizer.None, SacreBleuSmoothing.Floor,
            floor, EffectiveOrder: true));

    [Theory]   // test_bleu.py: test_corpus_bleu (the 'intl' case is not ported: that tokenizer is out of scope)
    [InlineData("13a", "exp", 48.530827)]
    [InlineData("none", "exp", 49.1919566)]
    [InlineData("13a", "none", 48.530827)]
    public void Corpus_bleu_matches_sacrebleu_test_corpus_bleu(string tok, string smooth, double expected)
    {
        var options = new SacreBleuOptions(SacreBleuTokenizers.Parse(tok), SacreBleuOptions.ParseSmoothing(smooth));
        Assert.Equal(expected, SacreBleu.Corpus(Hyps, Refs, options).Score, Epsilon);
    }

    [Fact]   // test_bleu.py: test_corpus_bleu, "ensure that empty hypotheses are not removed"
    public void Empty_hypotheses_score_zero_and_are_kept()
    {
        var result = SacreBleu.Corpus(new[] { "", "", "" }, Refs);
        Assert.Equal(0.0, result.Score);
        Assert.Equal(0, result.SysLen);
        Assert.Equal(0.0, result.BrevityPenalty);
    }

    [Fact]   // README "Using SacreBLEU from Python": BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)
    public void Readme_example_reports_precisions_brevity_penalty_lengths_and_signature()
    {
        var result = SacreBleu.Corpus(Hyps, Refs);
        Assert.Equal("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53 82.4/50.0/45.5/37.5 " +
                     "(BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", result.Format());
        Assert.Equal("#:2|c:mixed|e:no|tok:13a|s:exp|v:2.6.0", result.ShortSignature);
        // 82.4 = 14/17 unigrams: hand count of the three 13a-tokenized segments (6 + 5 + 6 tokens).
        Assert.Equal(new double[] { 14, 7, 5, 3 }, result.Counts);
        Assert.Equal(new double[] { 17, 14, 11, 8 }, result.Totals);
    }

    [Fact]   // README "Variable Number of References": 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ... ref_len = 19)
    public void A_missing_reference_gives_nrefs_var_and_uses_the_remaining_references()
    {
        var refs = new[]
        {
            new string?[] { null, "It was not unexpected.", "The man bit him first." },
            new string?[] { "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog." },
        };
        var result = SacreBleu.Corpus(Hyps, refs);
        Assert.Equal("BLEU|nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 29.44 " +
                     "82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)", result.Format());
    }

    [Theory]   // test_bleu.py: test_raw_bleu and test_effective_order (smooth_value 0.01)
    [InlineData(new[] { "this is a test", "another test" }, new[] { "ref1", "ref2" }, 0.0)]
    [InlineData(new[] { "this is a test" }, new[] { "this is a test" }, 1.0)]
    [InlineData(new[] { "this is a fest" }, new[] { "this is a test" }, 0.223606797749979)]
    [InlineData(new[] { "test" }, new[] { "a test" }, 0.3678794411714425)]
    [InlineData(new[] { "a test" }, new[] { "a test" }, 1.0)]
    [InlineData(new[] { "a little test" }, new[] { "a test" }, 0.03218297948685433)]
    public void Raw_corpus_bleu_matches_sacrebleu_test_raw_bleu(string[] hyps, string[] refs, double expected)
    {
        Assert.Equal(expected, RawCorpusBleu(hyps, new[] { refs }, 0.01).Score / 100, Epsilon);
    }

    [Fact]   // test_bleu.py: test_statistics and test_offset
    public void Statistics_and_floor_offset_match_sacrebleu_test_offset()
    {
        var hyp = new[] { "am I am a character sequence" };
        var refs = new[] { new[] { "I am a symbol string sequence a a" } };
        var withDefaultFloor = RawCorpusBleu(hyp, refs, floor: null);
        Assert.Equal(new double[] { 4, 2, 1, 0 }, withDefaultFloor.Counts);
        Assert.Equal(new double[] { 6, 5, 4, 3 }, withDefaultFloor.Totals);
        Assert.Equal(0.1555722182, withDefaultFloor.Score / 100, Epsilon);
        Assert.Equal(0.0, RawCorpusBleu(hyp, refs, floor: 0.0).Score / 100, Epsilon);
    }

    [Fact]   // test_bleu.py: test_scoring, compute_bleu([9,7,5,3], [10,8,6,4], 11, 11) with no smoothing
    public void Bleu_from_statistics_matches_sacrebleu_test_scoring()
    {
        var options = new SacreBleuOptions(Smoothing: SacreBleuSmoothing.None);
        var result = SacreBleu.FromStatistics(new double[] { 9, 7, 5, 3 }, new double[] { 10, 8, 6, 4 }, 11, 11, options);
        Assert.Equal(0.8375922397, result.Score / 100, Epsilon);
        // Hand check: (0.9 · 0.875 · 0.8333… · 0.75)^(1/4) = 0.4921875^(1/4) = 0.83759…, BP = 1.
        Assert.Equal(Math.Pow(0.9 * 0.875 * (5.0 / 6) * 0.75, 0.25), result.Score / 100, 12);
    }

    [Theory]   // test_bleu.py: test_degenerate_statistics (floor smoothing, all expected exactly 0)
    [InlineData(new double[] { 0, 0, 0, 0 }, new double[] { 4, 4, 2, 1 }, 0, 1, 0.0)]
    [InlineData(new double[] { 0, 0, 0, 0 }, new double[] { 10, 11, 12, 0 }, 14, 10, 0.0)]
    [InlineData(new double[] { 0, 0, 0, 0 }, new double[] { 0, 0, 0, 0 }, 0, 0, 0.0)]
    [InlineData(new double[] { 6, 5, 4, 0 }, new double[] { 6, 5, 4, 3 }, 6, 6, 0.0)]
    [InlineData(new double[] { 0, 0, 0, 0 }, new double[] { 0, 0, 0, 0 }, 0, 0, 0.1)]
    [InlineData(new double[] { 0, 0, 0, 0 }, new double[] { 0, 0, 0, 0 }, 1, 5, 0.01)]
    public void Degenerate_statistics_score_exactly_zero(double[] correct, double[] total, int sys, int refLen,
        double floor)
    {
        var options = new SacreBleuOptions(Smoothing: SacreBleuSmoothing.Floor, SmoothValue: floor);
        Assert.Equal(0.0, SacreBleu.FromStatistics(correct, total, sys, refLen, options).Score);
    }

    [Theory]   // test_bleu.py: test_max_ngram_order
    [InlineData(1, "77.65")]
    [InlineData(2, "60.50")]
    [InlineData(3, "53.93")]
    [InlineData(4, "48.53")]
    [InlineData(5, "46.14")]
    [InlineData(6, "43.28")]
    public void Max_ngram_order_matches_sacrebleu_test_max_ngram_order(int order, string expected)
    {
        var result = SacreBleu.Corpus(Hyps, Refs, new SacreBleuOptions(MaxNgramOrder: order));
        Assert.Equal(expected, result.Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
    }

    // test_sentence_bleu.py (issue #98 example); EPSILON there is 1e-3.
    private const string Ref98 = "producţia de zahăr brut se exprimă în zahăr alb;";
    private const string Sys98 = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";

    [Theory]   // test_sentence_bleu.py: test_api_sentence_bleu (the intl/char tokenizer rows are not ported)
    [InlineData("exp", null, "13a", 8.493)]
    [InlineData("none", null, "13a", 0.0)]
    [InlineData("floor", null, "13a", 4.51688)]
    [InlineData("floor", 0.1, "13a", 4.51688)]
    [InlineData("floor", 0.5, "13a", 10.10)]
    [InlineData("add-k", null, "13a", 14.882)]
    [InlineData("add-k", 1.0, "13a", 14.882)]
    [InlineData("add-k", 2.0, "13a", 21.389)]
    [InlineData("exp", null, "none", 7.347)]
    public void Sentence_bleu_matches_sacrebleu_test_sentence_bleu(string smooth, double? value, string tok,
        double expected)
    {
        var options = new SacreBleuOptions(SacreBleuTokenizers.Parse(tok), SacreBleuOptions.ParseSmoothing(smooth),
            value, EffectiveOrder: true);
        Assert.Equal(expected, SacreBleu.Sentence(Sys98, new[] { Ref98 }, options).Score, 1e-3);
    }

    [Theory]   // test_sentence_bleu.py: test_api_sentence_bleu_zero (issue #141: no matches at all)
    [InlineData("exp")]
    [InlineData("none")]
    [InlineData("floor")]
    [InlineData("add-k")]
    public void A_sentence_without_any_match_scores_zero_under_every_smoothing(string smooth)
    {
        var options = new SacreBleuOptions(Smoothing: SacreBleuOptions.ParseSmoothing(smooth), EffectiveOrder: true);
        Assert.Equal(0.0, SacreBleu.Sentence("this is a cat", new[] { "okay thanks" }, options).Score);
    }

    [Fact]
    public void Exp_smoothing_halves_each_successive_zero_precision_by_hand()
    {
        // hyp "a b c d e" vs ref "a b x y z": 1-grams 2/5, 2-grams 1/4, 3-grams 0/3, 4-grams 0/2.
        // exp: p3 = 1/(2·3), p4 = 1/(4·2). BLEU = (0.4 · 0.25 · 1/6 · 1/8)^(1/4), BP = 1 (equal lengths).
        var result = SacreBleu.Corpus(new[] { "a b c d e" }, new[] { new[] { "a b x y z" } });
        Assert.Equal(100 * Math.Pow(0.4 * 0.25 / 6 / 8, 0.25), result.Score, 10);
        Assert.Equal(100.0 / 6, result.Precisions[2], 10);
    }

    [Fact]
    public void Brevity_penalty_uses_the_closest_reference_and_prefers_the_shorter_on_ties()
    {
        // hyp has 4 tokens; references of 3 and 5 tokens are equally close, so r = 3 and BP = 1 (c > r).
        var tie = SacreBleu.Corpus(new[] { "a b c d" }, new[] { new[] { "a b c" }, new[] { "a b c d e" } });
        Assert.Equal(3, tie.RefLen);
        Assert.Equal(1.0, tie.BrevityPenalty);
        // Against a single 6-token reference: BP = exp(1 - 6/4).
        var shortHyp = SacreBleu.Corpus(new[] { "a b c d" }, new[] { new[] { "a b c d e f" } });
        Assert.Equal(Math.Exp(1 - 6.0 / 4), shortHyp.BrevityPenalty, 12);
    }

    [Fact]
    public void Lowercase_option_changes_matches_and_the_signature()
    {
        var mixed = SacreBleu.Sentence("The Cat", new[] { "the cat" });
        var lower = SacreBleu.Sentence("The Cat", new[] { "the cat" }, SacreBleuOptions.Sentence with { Lowercase = true });
        Assert.Equal(0.0, mixed.Score);
        Assert.Equal(100.0, lower.Score, 10);
        Assert.Equal("nrefs:1|case:lc|eff:yes|tok:13a|smooth:exp|version:2.6.0", lower.Signature);
    }

    [Theory]
    [InlineData(SacreBleuSmoothing.Floor, null, "floor[0.10]")]
    [InlineData(SacreBleuSmoothing.Floor, 0.5, "floor[0.50]")]
    [InlineData(SacreBleuSmoothing.AddK, null, "add-k[1.00]")]
    [InlineData(SacreBleuSmoothing.None, null, "none")]
    public void Smoothing_appears_in_the_signature_as_sacrebleu_writes_it(SacreBleuSmoothing s, double? v, string text)
    {
        var options = new SacreBleuOptions(SacreBleuTokenizer.None, s, v);
        Assert.Equal($"nrefs:1|case:mixed|eff:no|tok:none|smooth:{text}|version:2.6.0",
            SacreBleu.Signature(options, "1", shortForm: false));
    }

    [Fact]
    public void A_reference_stream_of_the_wrong_length_is_a_clear_error()
    {
        var ex = Assert.Throws<SpotlightException>(() =>
            SacreBleu.Corpus(Hyps, new[] { new[] { "only one line" } }));
        Assert.Contains("reference stream 1 has 1 lines but there are 3 hypotheses", ex.Message);
    }
}
