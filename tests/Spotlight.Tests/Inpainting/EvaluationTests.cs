using Spotlight.Inpainting;
using Spotlight.Tests.Vision;
using Spotlight.Vision;

namespace Spotlight.Tests.Inpainting;

public sealed class EvaluationTests
{
    [SkippableFact]
    public void A_perfect_method_scores_zero_error_and_ssim_one_and_every_method_gets_a_row_per_bin()
    {
        Requires.Library(ClassicalInpainting.OpenCv);
        var images = InpaintingImages.Synthetic(6, 64, seed: 3);
        var methods = new List<InpaintingMethod> { new("truth", (image, _) => image) };
        methods.AddRange(InpaintingEvaluation.Baselines());
        var result = InpaintingEvaluation.Run(images, methods, [MaskFamily.Strokes], seed: 1);

        var perfect = result.Rows.Single(r => r.Method == "truth" && r.Bin is null);
        Assert.Equal((6, 0.0, ImageQuality.IdenticalPsnr, 1.0), (perfect.Images, perfect.HoleMae100, perfect.Psnr, perfect.Ssim));
        Assert.Equal(1.0, perfect.SsimPenNet);
        // Strokes cycle through the six bins, so six images give one row per bin per method, plus "all".
        Assert.Equal(4 * 7, result.Rows.Count);
        foreach (var m in methods)
            Assert.Equal(MaskBin.All, result.Rows.Where(r => r.Method == m.Name && r.Bin is not null).Select(r => r.Bin!.Value));
        Assert.All(result.Rows.Where(r => r.Method != "truth"), r => Assert.True(r.HoleMae100 > 0));
    }

    [SkippableFact]
    public void The_page_and_markdown_hold_the_table_and_the_examples()
    {
        Requires.Library(ClassicalInpainting.OpenCv);
        using var dir = new TempDirectory();
        var images = InpaintingImages.Synthetic(2, 32, seed: 3);
        var result = InpaintingEvaluation.Run(images, InpaintingEvaluation.Baselines(), [MaskFamily.Centre], seed: 1, examples: 1);
        var page = dir.File("eval.html");
        EvaluationPage.Write(page, result, "test");
        var html = File.ReadAllText(page);
        Assert.Contains("Telea (OpenCV)", html);
        Assert.Equal(1 + 3 + 1, System.Text.RegularExpressions.Regex.Matches(html, "<img ").Count);   // input, 3 methods, truth
        Assert.False(result.HasPenNetSsim);                                                       // 32 px < 51
        var md = EvaluationPage.Markdown(result);
        Assert.Contains("| 20-30% | Telea (OpenCV) | 2 |", md);
    }

    [Fact]
    public void The_example_grid_places_input_methods_and_truth_side_by_side_at_the_given_scale()
    {
        var images = InpaintingImages.Synthetic(3, 16, seed: 3);
        var methods = new List<InpaintingMethod> { new("truth", (image, _) => image), InpaintingEvaluation.Baseline(ClassicalMethod.MeanFill) };
        var result = InpaintingEvaluation.Run(images, methods, [MaskFamily.Centre], seed: 1, examples: 2);
        var grid = EvaluationPage.ExampleGrid(result, scale: 2, gap: 3);

        Assert.Equal((4 * 32 + 5 * 3, 2 * 32 + 3 * 3), (grid.Width, grid.Height));   // input, 2 methods, truth; 2 rows
        byte[] Pixel(RgbImage im, int x, int y) => im.Data.AsSpan((y * im.Width + x) * 3, 3).ToArray();
        var second = result.Examples[1];
        int top = 3 + 32 + 3;
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                var truth = Pixel(second.Truth, x, y);
                Assert.Equal(truth, Pixel(grid, 3 + 3 * (32 + 3) + 2 * x + 1, top + 2 * y + 1));   // ground-truth column
                Assert.Equal(truth, Pixel(grid, 3 + 1 * (32 + 3) + 2 * x, top + 2 * y));           // the "truth" method
                Assert.Equal(Pixel(second.Filled[1], x, y), Pixel(grid, 3 + 2 * (32 + 3) + 2 * x, top + 2 * y));
                var input = Pixel(grid, 3 + 2 * x, top + 2 * y);
                Assert.Equal(second.Hole[x, y] ? [255, 255, 255] : truth, input);
            }
        Assert.Equal(new byte[] { 255, 255, 255 }, Pixel(grid, 1, 1));                             // the gap is white
        Assert.Throws<SpotlightException>(() => EvaluationPage.ExampleGrid(result with { Examples = [] }));
    }

    [Fact]
    public void Attention_maps_put_all_weight_outside_the_hole_and_the_report_is_written()
    {
        using var dir = new TempDirectory();
        TorchSharp.torch.manual_seed(1);
        using var model = InpaintingModel.Create(InpaintingConfig.Tiny(32));
        var image = SyntheticTextures.Render(32, 1, 0);
        var hole = MaskGenerator.Centre(32);
        var result = model.Fill(image, hole, keepAttention: true);
        var map = AttentionMap.From(result, hole);
        Assert.Equal(8, map.GridSize);                       // finest step matches on the 8×8 level, pastes into 16×16
        Assert.Equal(16, map.Sources.Count);                 // cells 2..5 × 2..5 hold the 16×16-pixel centre hole
        foreach (var weights in map.Sources.Values)
        {
            Assert.Equal(1.0, weights.Sum(), 4);
            for (int y = 1; y <= 6; y++)                         // a key touching the hole (cells 1..6 with the 3×3 patch) is never used
                for (int x = 1; x <= 6; x++) Assert.Equal(0f, weights[y * 8 + x]);
        }
        AttentionReport.Write(dir.Path, image, hole, result);
        Assert.Contains("const sources = {\"2,2\":[", File.ReadAllText(dir.File("attention.html")));
        Assert.True(new FileInfo(dir.File("offset-flow.png")).Length > 0);
    }

    [Fact]
    public void Flow_colours_follow_the_middlebury_wheel()
    {
        Assert.Equal(((byte)255, (byte)255, (byte)255), FlowColours.Colour(0, 0));   // no offset: white
        var right = FlowColours.Colour(1, 0);
        Assert.Equal((255, 0), (right.R, right.G));                                      // right: red
        var left = FlowColours.Colour(-1, 0);
        Assert.Equal((0, 255), (left.R, left.B));                                        // left: cyan-blue
    }
}
