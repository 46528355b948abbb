using Spotlight.Captioning.Data;

namespace Spotlight.Tests.CaptioningData;

public class SeededRandomTests
{
    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_another_seed_does_not()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        var c = new SeededRandom(43);
        var sa = Enumerable.Range(0, 20).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(sa, Enumerable.Range(0, 20).Select(_ => b.NextUInt64()));
        Assert.NotEqual(sa, Enumerable.Range(0, 20).Select(_ => c.NextUInt64()));
    }

    [Fact]
    public void Derived_streams_depend_on_every_key()
    {
        ulong baseline = SeededRandom.Hash(7, 1, 2);
        Assert.Equal(baseline, SeededRandom.Hash(7, 1, 2));
        Assert.NotEqual(baseline, SeededRandom.Hash(8, 1, 2));
        Assert.NotEqual(baseline, SeededRandom.Hash(7, 2, 1));
        Assert.NotEqual(baseline, SeededRandom.Hash(7, 1, 3));
        Assert.NotEqual(baseline, SeededRandom.Hash(7, 1));
    }

    [Fact]
    public void Next_is_uniform_within_five_standard_deviations()
    {
        // 60000 draws over 6 values: expected 10000 each, sd = sqrt(60000·(1/6)·(5/6)) ≈ 91.3.
        var rng = new SeededRandom(3);
        var counts = new int[6];
        for (int i = 0; i < 60000; i++) counts[rng.Next(6)]++;
        Assert.All(counts, n => Assert.InRange(n, 10000 - 457, 10000 + 457));
        var d = new SeededRandom(4);
        double mean = Enumerable.Range(0, 60000).Select(_ => d.NextDouble()).Average();
        Assert.InRange(mean, 0.5 - 0.006, 0.5 + 0.006);   // sd of the mean = sqrt(1/12/60000) ≈ 0.0012
    }

    [Fact]
    public void Shuffle_is_a_permutation_that_moves_things()
    {
        var items = Enumerable.Range(0, 100).ToList();
        new SeededRandom(5).Shuffle(items);
        Assert.Equal(Enumerable.Range(0, 100), items.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), items);
    }
}
