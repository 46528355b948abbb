using Spotlight.Captioning;

namespace Spotlight.Tests.Captioning;

public class CaptionFaultsTests
{
    private static string[] W(string caption) => caption.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData("a man in a", true, true)]
    [InlineData("a dog runs on the", true, true)]
    [InlineData("a dog runs on the grass", true, false)]
    [InlineData("two dogs play", true, false)]
    [InlineData("a dog runs on the grass", false, true)]      // cut off at the maximum length
    [InlineData("", true, true)]
    public void Bad_endings(string caption, bool finished, bool bad) =>
        Assert.Equal(bad, CaptionFaults.HasBadEnding(W(caption), finished));

    [Theory]
    [InlineData("a dog dog runs", true)]
    [InlineData("a man in a white shirt and a white shirt", true)]
    [InlineData("a man in a red shirt and a woman in a red dress", true)]   // "in a" and "a red" twice
    [InlineData("a man in a red shirt and a woman in blue", false)]
    [InlineData("a black and white dog", false)]
    public void Repetitions(string caption, bool repeated) =>
        Assert.Equal(repeated, CaptionFaults.HasRepetition(W(caption)));

    [Fact]
    public void Rates_are_fractions_of_captions()
    {
        var faults = CaptionFaults.Of([(W("a man in a"), true), (W("a dog dog"), true), (W("a dog runs"), true), (W("a cat sits"), false)]);
        Assert.Equal(0.5, faults.BadEndings);      // "a man in a" and the cut-off one
        Assert.Equal(0.25, faults.Repetitions);
        Assert.Equal(4, faults.Captions);
        Assert.True(double.IsNaN(CaptionFaults.Of([]).BadEndings));
    }
}
