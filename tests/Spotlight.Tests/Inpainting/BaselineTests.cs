using Spotlight.Inpainting;
using Spotlight.Vision;

namespace Spotlight.Tests.Inpainting;

public sealed class BaselineTests
{
    [SkippableTheory]
    [InlineData(ClassicalMethod.Telea)]
    [InlineData(ClassicalMethod.NavierStokes)]
    [InlineData(ClassicalMethod.MeanFill)]
    public void A_flat_image_is_filled_with_its_own_colour_and_known_pixels_are_kept(ClassicalMethod method)
    {
        if (ClassicalInpainting.NeedsOpenCv(method)) Requires.Library(ClassicalInpainting.OpenCv);
        // Diffusing (or averaging) a constant field gives the constant back.
        var data = new byte[32 * 32 * 3];
        for (int i = 0; i < 32 * 32; i++) (data[3 * i], data[3 * i + 1], data[3 * i + 2]) = (200, 40, 90);
        var image = new RgbImage(32, 32, data);
        var hole = MaskGenerator.Centre(32);
        var damaged = InpaintingModel.Composite(image, new RgbImage(32, 32, new byte[data.Length]), hole);
        var filled = ClassicalInpainting.Fill(damaged, hole, method);
        // Telea's first-order term (Telea 2004, eq. 2) estimates the gradient from the band at the hole's edge and is
        // off by up to 3 levels here (measured); Navier-Stokes and the mean reproduce the constant.
        int tolerance = method == ClassicalMethod.Telea ? 3 : 1;
        for (int i = 0; i < 32 * 32 * 3; i++) Assert.InRange(filled.Data[i], data[i] - tolerance, data[i] + tolerance);
        for (int i = 0; i < 32 * 32; i++)
            if (!hole.Pixels[i]) Assert.Equal(data[3 * i], filled.Data[3 * i]);
    }

    [SkippableFact]
    public void Opencv_fills_a_hole_in_a_gradient_better_than_the_mean()
    {
        Requires.Library(ClassicalInpainting.OpenCv);
        var data = new byte[32 * 32 * 3];
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                for (int c = 0; c < 3; c++) data[(y * 32 + x) * 3 + c] = (byte)(x * 8);
        var image = new RgbImage(32, 32, data);
        var hole = HoleMask.Box(32, 32, 2, 4, 6, 24);      // near the dark end: the mean of the rest is far brighter
        double Mae(ClassicalMethod m) => ImageQuality.Score(ClassicalInpainting.Fill(image, hole, m), image, hole, new SsimOptions(Window: 7)).HoleMae100;
        Assert.True(Mae(ClassicalMethod.Telea) < Mae(ClassicalMethod.MeanFill) / 2);
        Assert.True(Mae(ClassicalMethod.NavierStokes) < Mae(ClassicalMethod.MeanFill) / 2);
    }

    [Fact]
    public void Mean_fill_uses_the_mean_of_the_known_pixels()
    {
        // Known grey levels 10, 20, 60 → mean 30.
        var image = new RgbImage(2, 2, [10, 10, 10, 20, 20, 20, 60, 60, 60, 255, 255, 255]);
        var filled = ClassicalInpainting.Fill(image, new HoleMask(2, 2, [false, false, false, true]), ClassicalMethod.MeanFill);
        Assert.Equal(new byte[] { 30, 30, 30 }, filled.Data[9..12]);
    }
}
