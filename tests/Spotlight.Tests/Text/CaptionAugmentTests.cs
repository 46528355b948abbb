using Spotlight.Text;

namespace Spotlight.Tests.Text;

public class CaptionAugmentTests
{
    [Theory]
    [InlineData("a red star to the left of a blue circle", "a red star to the right of a blue circle")]
    [InlineData("Right of the tree; LEFT hand.", "Left of the tree; RIGHT hand.")]
    [InlineData("the leftmost of three, bright light", "the rightmost of three, bright light")]
    [InlineData("a circle above a square", "a circle above a square")]
    public void A_flip_swaps_left_and_right_words_only(string caption, string flipped)
    {
        Assert.Equal(flipped, CaptionAugment.HorizontalFlipCaption(caption));
        Assert.Equal(caption, CaptionAugment.HorizontalFlipCaption(flipped));
    }

    [Fact]
    public void Flip_swaps_map_left_and_right_ids_both_ways()
    {
        var vocab = Vocabulary.Build([["left", "of", "right"]], minCount: 1);
        var swaps = CaptionAugment.FlipSwaps(vocab);
        Assert.Equal(2, swaps.Count);
        Assert.Equal(vocab.Id("right"), swaps[vocab.Id("left")]);
        Assert.Equal(vocab.Id("left"), swaps[vocab.Id("right")]);
    }
}
