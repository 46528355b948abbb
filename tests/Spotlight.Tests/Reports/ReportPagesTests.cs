using System.Text.RegularExpressions;
using Spotlight.Captioning;
using Spotlight.Inpainting;
using Spotlight.Reports;
using Spotlight.Tests.Checkpoints;
using Spotlight.Tests.Translation;
using Spotlight.Translation;
using Spotlight.Vision;

namespace Spotlight.Tests.Reports;

/// <summary>The four pages Spotlight writes all come from the report kit: one stylesheet, one colormap, escaped text.</summary>
public class ReportPagesTests
{
    private static void AssertKitPage(string html)
    {
        Assert.StartsWith("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">", html);
        Assert.Contains($"<style>{ReportStyle.Css}</style>", html);
        Assert.Single(Regex.Matches(html, "<style>"));
    }

    [Fact]
    public void The_caption_page_is_the_token_attention_page_with_log_probability_and_references()
    {
        using var dir = new TempDirectory();
        var photo = dir.File("photo.png");
        File.WriteAllBytes(photo, PngFile.Encode(SyntheticTextures.Render(16, 1, 0)));
        var result = new CaptionResult(photo, "a <red> circle", ["a", "<red>", "circle"], -1.234, -1.234, true,
            new AttentionMaps(2, 2, [[1f, 0, 0, 0], [0, 1f, 0, 0]]), []);
        var index = Spotlight.Captioning.AttentionReport.Write(dir.File("report"), [new AttentionReportItem(photo, result, ["a red circle"])], "captions");
        var html = File.ReadAllText(index);
        AssertKitPage(html);
        Assert.Contains("data-map=\"img0000_w01.png\">&lt;red&gt;</span>", html);
        Assert.Contains("<span>circle</span>", html);                          // the word without a map
        Assert.Contains("<p class=\"meta\">photo.png &#183; log p = -1.23</p>", html);   // · escaped
        Assert.Contains("<li>a red circle</li>", html);
        Assert.True(File.Exists(Path.Combine(dir.File("report"), "img0000_w01.png")));
        Assert.False(File.Exists(Path.Combine(dir.File("report"), "img0000_w02.png")));
    }

    [Fact]
    public void The_inpainting_attention_page_draws_with_the_one_colormap()
    {
        using var dir = new TempDirectory();
        TorchSharp.torch.manual_seed(1);
        using var model = InpaintingModel.Create(InpaintingConfig.Tiny(16));
        var image = SyntheticTextures.Render(16, 1, 0);
        var hole = MaskGenerator.Centre(16);
        Spotlight.Inpainting.AttentionReport.Write(dir.Path, image, hole, model.Fill(image, hole, keepAttention: true));
        var html = File.ReadAllText(dir.File("attention.html"));
        AssertKitPage(html);
        Assert.Contains($"<script>{ColormapScript.Viridis()}</script>", html);
        Assert.Single(Regex.Matches(html, "function viridis"));
        Assert.Contains(DataUri.Png(Spotlight.Inpainting.AttentionReport.Png(InpaintingModel.Composite(image,
            new RgbImage(16, 16, new byte[16 * 16 * 3]), hole))), html);      // the input with its hole, inline
    }

    [Fact]
    public void The_inpainting_evaluation_page_and_the_alignment_page_use_the_kit()
    {
        using var dir = new TempDirectory();
        var images = InpaintingImages.Synthetic(1, 16, seed: 3);
        var result = InpaintingEvaluation.Run(images, [new InpaintingMethod("truth <copy>", (image, _) => image)], [MaskFamily.Centre], seed: 1, examples: 1);
        EvaluationPage.Write(dir.File("eval.html"), result, "eval & co");
        var eval = File.ReadAllText(dir.File("eval.html"));
        AssertKitPage(eval);
        Assert.Contains("<h1>eval &amp; co</h1>", eval);
        Assert.Contains("<th>truth &lt;copy&gt;</th>", eval);
        Assert.Equal(3, Regex.Matches(eval, "<img class=\"example\" src=\"data:image/png;base64,").Count);   // input, method, truth

        using var translator = TranslationKit.RandomTranslator(TranslatorArch.RnnSearch);
        var index = AlignmentMaps.Write(dir.File("maps"), translator.Translate(["abc"], TranslateOptions.Greedy));
        var maps = File.ReadAllText(index);
        AssertKitPage(maps);
        Assert.Contains("<table class=\"alignment\">", maps);
        Assert.Contains("<b>source:</b> abc", maps);
    }
}
