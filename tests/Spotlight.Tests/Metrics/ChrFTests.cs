using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

/// <summary>
/// Expected numbers are sacreBLEU's published vectors (mjpost/sacrebleu test/test_chrf.py and README), named where
/// used, plus hand arithmetic for chrF++ and β.
/// </summary>
public class ChrFTests
{
    private const double Epsilon = 1e-4;   // test_chrf.py's EPSILON

    private static double CorpusChrF(string[] hyps, string[] refs, ChrFOptions options) =>
        ChrF.Corpus(hyps, new[] { refs }, options).Score;

    [Theory]   // test_chrf.py: test_chrf (char_order=6, word_order=0, beta=3, eps_smoothing=True)
    [InlineData(new[] { "abcdefg" }, new[] { "hijklmnop" }, 0.0)]
    [InlineData(new[] { "a" }, new[] { "b" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "b" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "ref" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "reference" }, 0.0)]
    [InlineData(new[] { "aa" }, new[] { "ab" }, 8.3333)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "c" }, 8.3333)]
    [InlineData(new[] { "a" }, new[] { "a" }, 16.6667)]
    [InlineData(new[] { "a b c" }, new[] { "a b c" }, 50.0)]
    [InlineData(new[] { "a b c" }, new[] { "abc" }, 50.0)]
    [InlineData(new[] { " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ." },
                new[] { "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ." }, 63.361730)]
    [InlineData(new[] { " Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. " },
                new[] { "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich." }, 64.1302698)]
    [InlineData(new[] { "Niemand hat die Absicht, eine Mauer zu errichten" },
                new[] { "Niemand hat die Absicht, eine Mauer zu errichten" }, 100.0)]
    public void Eps_smoothed_chrf_matches_sacrebleu_test_chrf(string[] hyps, string[] refs, double expected)
    {
        Assert.Equal(expected, CorpusChrF(hyps, refs, new ChrFOptions(Beta: 3, EpsSmoothing: true)), Epsilon);
    }

    [Theory]   // test_chrf.py: test_chrf_eff_order (sacreBLEU < 2.0 style effective order, beta=3)
    [InlineData(new[] { "a" }, new[] { "a" }, 100.0)]
    [InlineData(new[] { "" }, new[] { "reference" }, 0.0)]
    [InlineData(new[] { "a b c" }, new[] { "a b c" }, 100.0)]
    [InlineData(new[] { "a b c" }, new[] { "abc" }, 100.0)]
    [InlineData(new[] { "" }, new[] { "c" }, 0.0)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "c" }, 50.0)]
    [InlineData(new[] { "aa" }, new[] { "ab" }, 25.0)]
    public void Effective_order_chrf_matches_sacrebleu_test_chrf_eff_order(string[] hyps, string[] refs,
        double expected)
    {
        Assert.Equal(expected, CorpusChrF(hyps, refs, new ChrFOptions(Beta: 3)), Epsilon);
    }

    [Theory]   // test_chrf.py: test_chrf_keep_whitespace (remove_whitespace=False, beta=3)
    [InlineData("Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
                "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.", 67.3481606)]
    [InlineData("risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .",
                "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .", 65.2414427)]
    public void Whitespace_chrf_matches_sacrebleu_test_chrf_keep_whitespace(string hyp, string reference,
        double expected)
    {
        Assert.Equal(expected, CorpusChrF(new[] { hyp }, new[] { reference },
            new ChrFOptions(Beta: 3, Whitespace: true)), Epsilon);
    }

    [Theory]   // test_chrf.py: test_chrf_sentence_level (sentence_chrf, defaults, eps_smoothing=True)
    [InlineData("Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
                "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509)]
    [InlineData("Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
                "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079)]
    [InlineData("Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
                "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367)]
    public void Sentence_chrf_matches_sacrebleu_test_chrf_sentence_level(string hyp, string reference,
        double expected)
    {
        Assert.Equal(expected, ChrF.Sentence(hyp, new[] { reference }, new ChrFOptions(EpsSmoothing: true)).Score,
            Epsilon);
    }

    [Fact]   // README "Using SacreBLEU from Python": chrF2 = 59.73 on the two-reference example
    public void Readme_example_scores_59_73_with_its_signature()
    {
        var refs = new[]
        {
            new[] { "The dog bit the man.", "It was not unexpected.", "The man bit him first." },
            new[] { "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog." },
        };
        var hyps = new[] { "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him." };
        var result = ChrF.Corpus(hyps, refs);
        Assert.Equal("chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 59.73", result.Format());
        Assert.Equal("#:2|c:mixed|e:yes|nc:6|nw:0|s:no|v:2.6.0", result.ShortSignature);
    }

    [Fact]
    public void Chrf_plus_plus_averages_character_and_word_orders_by_hand()
    {
        // hyp "ab c", ref "ab d", char order 2, word order 2. Characters (spaces removed) "abc" vs "abd":
        // 1-grams P = R = 2/3, 2-grams 1/2; words [ab, c] vs [ab, d]: 1-grams 1/2, 2-grams 0/1.
        // Averages P = R = (2/3 + 1/2 + 1/2 + 0) / 4 = 5/12, and F_β of equal P and R is 5/12.
        var result = ChrF.Sentence("ab c", new[] { "ab d" }, new ChrFOptions(CharOrder: 2, WordOrder: 2));
        Assert.Equal(100.0 * 5 / 12, result.Score, 10);
        Assert.Equal("chrF2++", result.Name);
        Assert.Equal(new long[] { 3, 3, 2, 2, 2, 1, 2, 2, 1, 1, 1, 0 }, result.Statistics);
    }

    [Fact]
    public void Beta_weights_recall_over_precision_by_hand()
    {
        // hyp "ab", ref "abc", character unigrams only: P = 2/2, R = 2/3.
        // F_2 = (1 + 4) · P · R / (4 · P + R) = (10/3) / (14/3) = 5/7.
        var result = ChrF.Sentence("ab", new[] { "abc" }, new ChrFOptions(CharOrder: 1));
        Assert.Equal(100.0 * 5 / 7, result.Score, 10);
    }

    [Fact]
    public void Word_ngrams_split_one_punctuation_mark_off_each_word_edge()
    {
        // "Hello, world!" → [Hello, ",", world, "!"]; against [Hello, world] unigrams P = 2/4, R = 2/2.
        // F_2 = 5 · 0.5 · 1 / (4 · 0.5 + 1) = 2.5 / 3.
        var result = ChrF.Sentence("Hello, world!", new[] { "Hello world" }, new ChrFOptions(CharOrder: 0, WordOrder: 1));
        Assert.Equal(100.0 * 2.5 / 3, result.Score, 10);
    }

    [Fact]
    public void Characters_are_code_points_so_an_emoji_is_one_character()
    {
        // "😀a" vs "😀b" unigrams: 1 of 2 match; bigrams 0 of 1. Counting UTF-16 units would give 3 unigrams.
        var result = ChrF.Sentence("\U0001F600a", new[] { "\U0001F600b" }, new ChrFOptions(CharOrder: 2));
        Assert.Equal(new long[] { 2, 2, 1, 1, 1, 0 }, result.Statistics);
    }

    [Fact]
    public void The_best_reference_by_segment_f_score_is_used()
    {
        var one = ChrF.Sentence("the cat sat", new[] { "a dog ran", "the cat sat" });
        Assert.Equal(100.0, one.Score, 10);
        Assert.Equal("nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0", one.Signature);
    }

    [Fact]
    public void Zero_orders_are_rejected_with_a_clear_message()
    {
        var ex = Assert.Throws<SpotlightException>(() => new ChrFOptions(CharOrder: 0).Validate());
        Assert.Equal("chrF needs a character or word n-gram order above 0", ex.Message);
    }
}
