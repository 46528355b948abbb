using Spotlight.Inpainting;

namespace Spotlight.Tests.Inpainting;

public sealed class MaskTests
{
    [Fact]
    public void The_centre_mask_is_the_middle_square_of_a_quarter_of_the_area()
    {
        var mask = MaskGenerator.Centre(64);
        Assert.Equal(0.25, mask.Ratio);
        Assert.True(mask[16, 16] && mask[47, 47]);
        Assert.False(mask[15, 16] || mask[48, 47]);
    }

    [Theory]
    [InlineData(MaskFamily.Boxes)]
    [InlineData(MaskFamily.Strokes)]
    public void The_same_seed_and_index_give_the_same_mask_and_other_seeds_differ(MaskFamily family)
    {
        var a = MaskGenerator.Generate(family, 64, seed: 5, index: 3);
        var b = MaskGenerator.Generate(family, 64, seed: 5, index: 3);
        var c = MaskGenerator.Generate(family, 64, seed: 6, index: 3);
        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
        Assert.False(a.Pixels.SequenceEqual(c.Pixels));
    }

    [Fact]
    public void Stroke_masks_land_in_their_hole_ratio_bin()
    {
        for (int index = 0; index < 12; index++)
        {
            var mask = MaskGenerator.Generate(MaskFamily.Strokes, 64, seed: 1, index);
            var bin = MaskBin.All[index % 6];
            Assert.True(bin.Contains(mask.Ratio), $"index {index}: ratio {mask.Ratio:P1} outside {bin}");
        }
    }

    [Fact]
    public void Hole_ratio_bins_follow_the_table_rows()
    {
        Assert.Equal(new MaskBin(1, 10), MaskBin.Of(0.05));
        Assert.Equal(new MaskBin(20, 30), MaskBin.Of(0.25));
        Assert.Equal(new MaskBin(50, 60), MaskBin.Of(0.75));
    }

    [Fact]
    public void Spatial_discount_weighs_the_ring_by_gamma_to_the_distance()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        // A 5×5 hole in a 7×7 image: the outer ring of the hole (distance 1) weighs 1, the next 0.9, the centre 0.81.
        var hole = HoleMask.Box(7, 7, 1, 1, 5, 5).ToTensor();
        var w = InpaintingLoss.SpatialDiscount(hole, 0.9);
        Assert.Equal(0f, w[0, 0, 0, 0].item<float>());
        Assert.Equal(1f, w[0, 0, 1, 1].item<float>(), 5);
        Assert.Equal(0.9f, w[0, 0, 2, 3].item<float>(), 5);
        Assert.Equal(0.81f, w[0, 0, 3, 3].item<float>(), 5);
    }
}
