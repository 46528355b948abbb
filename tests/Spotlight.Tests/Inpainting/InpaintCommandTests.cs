using Spotlight.Cli;
using Spotlight.Inpainting;
using Spotlight.Tests.Vision;
using Spotlight.Vision;

namespace Spotlight.Tests.Inpainting;

[Collection("Console")]
public sealed class InpaintCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void Filling_writes_the_image_and_the_attention_pictures()
    {
        using var dir = new TempDirectory();
        TorchSharp.torch.manual_seed(1);
        using (var model = InpaintingModel.Create(InpaintingConfig.Tiny(16))) model.Save(dir.File("m.spotlight"));
        var photo = dir.Write("photo.png", AttentionReport.Png(SyntheticTextures.Render(24, 1, 1)));
        var (code, _, error) = Run("inpaint", dir.File("m.spotlight"), photo, "--box", "6,6,10,10", "--out", dir.File("out.png"),
            "--attention-out", dir.File("att"));
        Assert.True(code == 0, error);
        using var filled = ImageDecoder.Decode(dir.File("out.png"));
        Assert.Equal((16, 16), (filled.Width, filled.Height));
        Assert.True(File.Exists(dir.File("att/attention.html")) && File.Exists(dir.File("att/offset-flow.png")));
    }

    [Fact]
    public void A_bad_box_prints_one_line_and_exits_with_1()
    {
        using var dir = new TempDirectory();
        using (var model = InpaintingModel.Create(InpaintingConfig.Tiny(16))) model.Save(dir.File("m.spotlight"));
        var photo = dir.Write("photo.png", AttentionReport.Png(SyntheticTextures.Render(24, 1, 1)));
        var (code, _, error) = Run("inpaint", dir.File("m.spotlight"), photo, "--box", "20,20,10,10", "--out", dir.File("out.png"));
        Assert.Equal(1, code);
        Assert.Equal($"error: --box 20,20,10,10 does not lie inside the 24x24 image {photo}", error.Trim());
    }

    [SkippableFact]
    public void Eval_of_the_baselines_alone_prints_the_table()
    {
        Requires.Library(ClassicalInpainting.OpenCv);
        var (code, output, error) = Run("inpaint", "eval", "--size", "64", "--synthetic", "--count", "2", "--baselines");
        Assert.True(code == 0, error);
        Assert.Contains("Telea", output);
        Assert.Contains("20-30%", output);
    }

    [Fact]
    public void Eval_with_the_baselines_where_OpenCV_is_missing_prints_one_line_naming_its_packages_and_exits_with_1()
    {
        using var hidden = ClassicalInpainting.OpenCv.Hide();
        var (code, output, error) = Run("inpaint", "eval", "--size", "64", "--synthetic", "--count", "2", "--baselines");
        Assert.Equal(1, code);
        Assert.Equal("error: OpenCV is not available (hidden for this check); the Telea and Navier-Stokes inpainting baselines need it. "
            + "On Debian/Ubuntu: apt-get install -y --no-install-recommends libgtk-3-0 libatomic1 libdrm2", error.Trim());
        Assert.DoesNotContain("Telea", output);     // failed before evaluating anything
    }
}
