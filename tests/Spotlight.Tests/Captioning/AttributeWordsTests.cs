using Spotlight.Captioning;

namespace Spotlight.Tests.Captioning;

public class AttributeWordsTests
{
    [Fact]
    public void Mentions_are_supported_or_contradicted_by_the_references_after_the_first_and_the_first_is_scored_alike()
    {
        var rows = AttributeWords.Measure(
        [
            (["a", "man", "in", "a", "red", "shirt", "with", "two", "dogs"], ["A boy in red.", "A woman wearing a blue shirt.", "Two dogs and a person."]),
            (["a", "grey", "dog"], ["a dog", "a gray dog", "a black dog"]),
            (["a", "woman"], ["a woman"]),   // one reference: nothing to compare with
        ]).ToDictionary(r => r.Kind);

        // "man" against "woman" (and no male word) after the first reference: contradicted; so is the first reference's "boy".
        Assert.Equal(("gender", 1, 0.0, 1.0, 1, 0.0, 1.0), Tuple(rows["gender"]));
        // "red" against "blue": contradicted; "grey" ~ "gray": supported. The first reference's "red": contradicted.
        Assert.Equal(("colour", 2, 0.5, 0.5, 1, 0.0, 1.0), Tuple(rows["colour"]));
        // "two" is in the third reference; the first reference names no number.
        var number = rows["number"];
        Assert.Equal((1, 1.0, 0.0, 0), (number.Mentions, number.Supported, number.Contradicted, number.HumanMentions));
        Assert.True(double.IsNaN(number.HumanSupported));
    }

    private static (string, int, double, double, int, double, double) Tuple(AttributeAgreement a) =>
        (a.Kind, a.Mentions, a.Supported, a.Contradicted, a.HumanMentions, a.HumanSupported, a.HumanContradicted);
}
