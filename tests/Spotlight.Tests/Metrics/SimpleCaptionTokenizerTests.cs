using Spotlight.Metrics;
using Spotlight.Metrics.Ptb;

namespace Spotlight.Tests.Metrics;

public class SimpleCaptionTokenizerTests
{
    [Theory]
    [InlineData("A dog's ball.", "a dog 's ball")]
    [InlineData("Don't stop!", "do n't stop")]
    [InlineData("They're in a car , aren't they?", "they 're in a car are n't they")]
    [InlineData("A man (left) in a T-shirt", "a man -lrb- left -rrb- in a t-shirt")]
    [InlineData("\u201CQuoted\u201D text\u2026 and \"more\"", "quoted text and more")]
    [InlineData("3.5 kg , 1,000 people at 9:30", "3.5 kg 1,000 people at 9:30")]
    [InlineData("Mr. Potato Head and a S.C.U.B.A. diver", "mr. potato head and a s.c.u.b.a. diver")]
    [InlineData("We cannot see -- a man\u2014a dog", "we can not see a man a dog")]
    [InlineData("at&t {x} [y]", "at & t -lcb- x -rcb- -lsb- y -rsb-")]
    [InlineData("", "")]
    [InlineData(" ... , ", "")]
    public void Captions_are_tokenized_by_the_documented_rules(string raw, string expected) =>
        Assert.Equal(expected, SimpleCaptionTokenizer.Tokenize(raw));

    [Fact]
    public void On_ordinary_captions_it_agrees_with_the_exact_PTB_tokenizer()
    {
        // Flickr8k-style captions (already spaced before the period, as the data set ships them) and raw ones.
        string[] captions =
        [
            "A black dog is running after a white dog in the snow .",
            "A child in a pink dress is climbing up a set of stairs in an entry way .",
            "Two men, one in a red shirt, are playing soccer on a field.",
            "A girl's hand holds a bird that's eating seeds.",
            "The boy isn't wearing a helmet; he's riding his bike down the hill!",
            "A woman in a blue t-shirt and jeans stands near the U.S. flag.",
            "People wait at 5:30 for the No. 3 bus (it is late).",
        ];
        Assert.Equal(PtbTokenizer.TokenizeBatch(captions), SimpleCaptionTokenizer.Instance.TokenizeBatch(captions));
    }

    [Fact]
    public void Where_the_two_differ_is_documented()
    {
        // PTB knows "etc." as an abbreviation; the simple tokenizer keeps periods only on titles and dotted words.
        Assert.Equal("dogs cats etc.", PtbTokenizer.Tokenize("dogs, cats etc."));
        Assert.Equal("dogs cats etc", SimpleCaptionTokenizer.Tokenize("dogs, cats etc."));
    }

    [Fact]
    public void The_library_scores_with_the_simple_tokenizer_unless_told_otherwise()
    {
        Assert.Same(CaptionTokenizers.Default, new EvaluationOptions([new Bleu()]).Tokenizer);
        Assert.Equal("simple", CaptionTokenizers.Default.Name);
        Assert.Equal("ptb", new EvaluationOptions([new Bleu()], PtbTokenizer.Instance).Tokenizer.Name);
    }
}
