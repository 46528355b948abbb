using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class BleuTests
{
    private const double Tiny = 1e-15, Small = 1e-9;

    private static MetricScores Score(params CaptionItem[] items) => new Bleu().Score(new CaptionSet(items));

    [Fact]
    public void One_item_matches_hand_counted_ngram_precisions()
    {
        // cand "a cat sat on the mat" (6); refs "a cat is on the mat" (6), "there is a cat on the mat" (7).
        // 1-grams: a cat on the mat match -> 5/6.   2-grams: "a cat" "on the" "the mat" -> 3/5.
        // 3-grams: "on the mat" -> 1/4.             4-grams: none of 3 -> 0/3.
        // closest ref length 6 = test length, so ratio = (6+tiny)/(6+small) is a hair under 1 and the
        // brevity penalty exp(1 - 1/ratio) is 1 - 1.7e-10, exactly as bleu_scorer.py applies it.
        var s = Score(new CaptionItem("1", ["a cat is on the mat", "there is a cat on the mat"], "a cat sat on the mat"));
        var bp = Math.Exp(1 - (6 + Small) / (6 + Tiny));
        var p1 = (5 + Tiny) / (6 + Small);
        var p2 = p1 * (3 + Tiny) / (5 + Small);
        var p3 = p2 * (1 + Tiny) / (4 + Small);
        var p4 = p3 * (0 + Tiny) / (3 + Small);
        Assert.Equal(p1 * bp, s.Corpus["BLEU-1"], 15);
        Assert.Equal(Math.Sqrt(p2) * bp, s.Corpus["BLEU-2"], 15);   // sqrt(1/2) = 0.7071
        Assert.Equal(Math.Cbrt(p3) * bp, s.Corpus["BLEU-3"], 15);   // cbrt(1/8) = 0.5
        Assert.Equal(Math.Pow(p4, 0.25) * bp, s.Corpus["BLEU-4"], 15); // (1/8 * 3.3e-16)^(1/4) = 8.0e-5, not 0
        Assert.Equal(s.Corpus["BLEU-4"], s.PerItem["BLEU-4"][0], 15);
    }

    [Fact]
    public void Corpus_pools_counts_and_takes_the_shorter_of_two_equally_close_references()
    {
        // Item 2: cand "a dog" (2), refs of length 3 and 1, both 1 away: "closest" takes 1, so no brevity penalty.
        // Pooled: correct [5+2, 3+1, 1+0, 0] / guess [6+2, 5+1, 4+0, 3+0]; test length 8 > ref length 6+1.
        var s = Score(
            new CaptionItem("1", ["a cat is on the mat", "there is a cat on the mat"], "a cat sat on the mat"),
            new CaptionItem("2", ["a dog runs", "dog"], "a dog"));
        Assert.Equal((7 + Tiny) / (8 + Small), s.Corpus["BLEU-1"], 15);                              // 0.875
        Assert.Equal(Math.Sqrt((7 + Tiny) / (8 + Small) * (4 + Tiny) / (6 + Small)), s.Corpus["BLEU-2"], 15); // 0.7638
        Assert.Equal((2 + Tiny) / (2 + Small), s.PerItem["BLEU-1"][1], 15);
        Assert.Equal(Math.Sqrt((2 + Tiny) / (2 + Small) * (1 + Tiny) / (1 + Small)), s.PerItem["BLEU-2"][1], 15);
    }

    [Fact]
    public void Closest_length_prefers_the_shorter_reference_on_a_tie()
    {
        Assert.Equal(1, Bleu.ClosestLength([3, 1], 2));
        Assert.Equal(1, Bleu.ClosestLength([1, 3], 2));
        Assert.Equal(4, Bleu.ClosestLength([9, 4, 1], 5));
    }

    [Fact]
    public void Repeated_words_are_clipped_by_the_reference_count()
    {
        // "the" x4 against "the cat": 1 of 4 unigrams counts; length 4 > 2 so no penalty.
        var s = Score(new CaptionItem("1", ["the cat"], "the the the the"));
        Assert.Equal((1 + Tiny) / (4 + Small), s.Corpus["BLEU-1"], 15);
    }

    [Fact]
    public void One_word_candidate_gets_the_brevity_penalty_and_a_tiny_but_nonzero_BLEU_2()
    {
        // "dog" vs "a dog" (closest, length 2) and a 5-word ref: BP = exp(1 - (2+small)/(1+tiny)) ~ e^-1.
        var s = Score(new CaptionItem("1", ["a dog", "dog running in a field"], "dog"));
        var bp = Math.Exp(1 - 1 / ((1 + Tiny) / (2 + Small)));
        Assert.Equal((1 + Tiny) / (1 + Small) * bp, s.Corpus["BLEU-1"], 12); // 0.3679
        Assert.Equal(Math.Sqrt((1 + Tiny) / (1 + Small) * Tiny / Small) * bp, s.Corpus["BLEU-2"], 12); // 3.7e-4
    }

    [Fact]
    public void Empty_candidate_scores_zero_because_the_brevity_penalty_underflows()
    {
        var s = Score(new CaptionItem("1", ["a dog"], ""));
        Assert.All(s.PerItem.Values, v => Assert.Equal(0.0, v[0]));
    }

    [Fact]
    public void Words_split_on_every_python_whitespace_including_no_break_space()
    {
        // Python's str.split() splits "3\u00A01/2" into two words, so the candidate matches "3 1/2 cups" fully.
        var s = Score(new CaptionItem("1", ["3 1/2 cups"], "3\u00A01/2 cups"));
        Assert.Equal(1.0, s.Corpus["BLEU-3"], 8);
    }

    [Fact]
    public void Candidate_identical_to_all_references_scores_one_less_the_padding_penalty()
    {
        // 5 words everywhere: all precisions are (m + tiny)/(m + small) and ratio (5+tiny)/(5+small) is just under 1.
        var s = Score(new CaptionItem("1", ["a cat on a mat", "a cat on a mat"], "a cat on a mat"));
        var p = (5 + Tiny) / (5 + Small) * (4 + Tiny) / (4 + Small) * (3 + Tiny) / (3 + Small) * (2 + Tiny) / (2 + Small);
        Assert.Equal(Math.Pow(p, 0.25) * Math.Exp(1 - (5 + Small) / (5 + Tiny)), s.Corpus["BLEU-4"], 15);
        Assert.Equal(1.0, s.Corpus["BLEU-4"], 8);
    }

    [Fact]
    public void No_word_in_common_gives_a_tiny_nonzero_BLEU_1()
    {
        // correct 0 of 2 unigrams: (0 + 1e-15)/(2 + 1e-9) = 5e-16; lengths equal, so almost no penalty.
        var s = Score(new CaptionItem("1", ["a cat"], "zebra giraffe"));
        var expected = Tiny / (2 + Small) * Math.Exp(1 - (2 + Small) / (2 + Tiny));
        Assert.Equal(expected, s.PerItem["BLEU-1"][0], tolerance: expected * 1e-12);
        Assert.True(s.PerItem["BLEU-1"][0] > 0);
    }
}
