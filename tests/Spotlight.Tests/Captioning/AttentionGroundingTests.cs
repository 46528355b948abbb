using Spotlight.Captioning;

namespace Spotlight.Tests.Captioning;

public class AttentionGroundingTests
{
    // A 4x4 grid over a 64x64 image: cells are 16 px. The circle's box (0,0,20,20) overlaps cells (0,0),(0,1),(1,0),(1,1)
    // = 4 of 16 regions → chance 0.25 for "circle". The square (40,40,10,10) overlaps cells (2,2),(2,3),(3,2),(3,3)
    // (x 40..50 touches columns 2 [32,48) and 3 [48,64)) → also 4 of 16.
    private static readonly GroundTruthObject Circle = new("circle", 0, 0, 20, 20);
    private static readonly GroundTruthObject Square = new("square", 40, 40, 10, 10);

    private static float[] Peak(int region)
    {
        var w = Enumerable.Repeat(0.01f, 16).ToArray();
        w[region] = 0.85f;
        return w;
    }

    [Fact]
    public void Covered_regions_are_the_cells_a_box_overlaps()
    {
        var covered = AttentionGrounding.CoveredRegions([Square], 4, 4, 64, 64);
        Assert.Equal(new[] { 10, 11, 14, 15 }, covered.Select((c, i) => (c, i)).Where(p => p.c).Select(p => p.i));
    }

    [Fact]
    public void Accuracy_counts_shape_words_whose_peak_lies_on_that_shape_and_chance_is_the_covered_fraction()
    {
        // "red circle and square": circle peak at region 5 (cell 1,1: on the circle), square peak at 0 (not on the square).
        var maps = new AttentionMaps(4, 4, [Peak(3), Peak(5), Peak(9), Peak(0)]);
        var score = AttentionGrounding.Score([(["red", "circle", "and", "square"], maps, [Circle, Square], 64, 64)],
            w => w is "circle" or "square" ? w : null);
        Assert.Equal(2, score.Words);
        Assert.Equal(0.5, score.Accuracy, 10);
        Assert.Equal(0.25, score.Chance, 10);
    }

    [Fact]
    public void Naming_a_shape_that_is_not_in_the_image_is_a_miss()
    {
        var maps = new AttentionMaps(4, 4, [Peak(0)]);
        var score = AttentionGrounding.Score([(["star"], maps, [Circle], 64, 64)], w => w == "star" ? w : null);
        Assert.Equal(1, score.Words);
        Assert.Equal(0.0, score.Accuracy);
    }

    [Fact]
    public void The_grammar_plural_maps_to_its_shape()
    {
        Assert.Equal("cross", CaptionEvaluation.ShapeOfWord("crosses"));
        Assert.Equal("circle", CaptionEvaluation.ShapeOfWord("circle"));
        Assert.Null(CaptionEvaluation.ShapeOfWord("red"));
    }
}
