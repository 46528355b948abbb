using Spotlight.Inpainting;
using Spotlight.Tests.Vision;
using Spotlight.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Inpainting;

/// <summary>Seeded training and resume equivalence: nothing may draw from libtorch's global generator beside them.</summary>
[Collection(Spotlight.Tests.Checkpoints.GlobalRngCollection.Name)]
public sealed class ModelTests
{
    private static InpaintingModel TinyModel(SkipKind skips = SkipKind.AttentionTransfer, int size = 16, bool gated = false)
    {
        torch.manual_seed(3);
        return InpaintingModel.Create(InpaintingConfig.Tiny(size) with { Skips = skips, Gated = gated });
    }

    [Theory]
    [InlineData(SkipKind.AttentionTransfer, false)]
    [InlineData(SkipKind.AttentionTransfer, true)]
    [InlineData(SkipKind.Identity, false)]
    public void The_known_region_of_the_output_equals_the_input_byte_for_byte(SkipKind skips, bool gated)
    {
        using var model = TinyModel(skips, 32, gated);
        var image = SyntheticTextures.Render(32, seed: 1, index: 2);
        var mask = MaskGenerator.Generate(MaskFamily.Strokes, 32, seed: 1, index: 3);
        var result = model.Fill(image, mask);
        int changedInHole = 0;
        for (int i = 0; i < 32 * 32; i++)
            for (int c = 0; c < 3; c++)
            {
                if (!mask.Pixels[i]) Assert.Equal(image.Data[3 * i + c], result.Composite.Data[3 * i + c]);
                else if (image.Data[3 * i + c] != result.Composite.Data[3 * i + c]) changedInHole++;
            }
        Assert.True(changedInHole > 0, "the hole was not filled by the network");
        Assert.True(result.Composite.Data.Where((_, k) => mask.Pixels[k / 3]).SequenceEqual(result.Raw.Data.Where((_, k) => mask.Pixels[k / 3])));
    }

    [Fact]
    public void The_pyramid_has_one_image_per_decoder_level_and_attention_one_step_per_transfer()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModel(size: 64);
        Assert.Equal(4, model.Config.Levels);                     // 32, 16, 8, 4
        model.Network.KeepAttention = true;
        var output = model.Network.forward(zeros(2, 3, 64, 64), MaskGenerator.Centre(64).ToTensor().expand(2, 1, 64, 64));
        Assert.Equal(new[] { 8L, 16, 32 }, output.Pyramid.Select(p => p.shape[2]).ToArray());
        Assert.Equal(new long[] { 2, 3, 64, 64 }, output.Image.shape);
        Assert.Equal(3, output.Attention.Count);
        Assert.Equal(new long[] { 2, 16 * 16, 16, 16 }, output.Attention[^1].Weights.shape);
        Assert.Equal(5, new InpaintingConfig(ImageSize: 128).Levels);
    }

    [Fact]
    public void Saving_and_loading_gives_identical_weights_config_and_output()
    {
        using var dir = new TempDirectory();
        using var model = TinyModel(size: 16, gated: true);
        model.SummaryJson = """{"note":"test"}""";
        var path = dir.File("m.spotlight");
        model.Save(path);
        using var loaded = InpaintingModel.Load(path);
        Assert.Equal(model.Config with { Attention = null }, loaded.Config with { Attention = null });
        Assert.Equal(model.Config.AttentionOptions.Scale, loaded.Config.AttentionOptions.Scale);
        foreach (var (name, p) in model.Network.state_dict())
            Assert.True(p.equal(loaded.Network.state_dict()[name]).all().item<bool>(), name);
        var image = SyntheticTextures.Render(16, 2, 0);
        var mask = MaskGenerator.Centre(16);
        Assert.Equal(model.Fill(image, mask).Raw.Data, loaded.Fill(image, mask).Raw.Data);
        Assert.Equal("""{"note":"test"}""", loaded.SummaryJson);
    }

    [Fact]
    public void A_captioning_or_corrupt_file_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        var junk = dir.Write("junk.spotlight", [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<SpotlightException>(() => InpaintingModel.Load(junk));
        Assert.Contains("junk.spotlight", e.Message);
        var other = dir.File("captioner.spotlight");
        using (var module = TorchSharp.torch.nn.Linear(2, 2))
            Spotlight.Checkpoints.ModelFile.Save(other, "captioner", module, new Dictionary<string, string> { ["config"] = "{}" });
        Assert.Equal($"{other}: holds a 'captioner', not a 'inpainting'", Assert.Throws<SpotlightException>(() => InpaintingModel.Load(other)).Message);
    }

    [Fact]
    public void A_tiny_model_learns_synthetic_textures_its_loss_falls()
    {
        var data = InpaintingImages.Synthetic(32, 16, seed: 1);
        var options = new InpaintingTrainingOptions
        {
            Steps = 40, BatchSize = 8, LearningRate = 1e-2, ValidateEvery = 1000, CheckpointEvery = 1000,
            ValidationImages = 4, Masks = [MaskFamily.Centre],
        };
        var log = new Recorder();
        using var dir = new TempDirectory();
        new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options, log).Train(dir.File("m.spotlight"));
        double first = log.Steps.Take(10).Average(s => s.Loss), last = log.Steps.TakeLast(10).Average(s => s.Loss);
        Assert.True(last < 0.8 * first, $"loss went from {first:F3} to {last:F3}");
        Assert.True(File.Exists(dir.File("m.spotlight")) && File.Exists(dir.File("m.checkpoint")));
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        var data = InpaintingImages.Synthetic(8, 16, seed: 2);
        var options = new InpaintingTrainingOptions { Steps = 4, BatchSize = 2, ValidateEvery = 100, CheckpointEvery = 100, ValidationImages = 2 };
        using var dir = new TempDirectory();
        new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options).Train(dir.File("a.spotlight"));
        new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options with { StopAfterSteps = 2 }).Train(dir.File("b.spotlight"));
        new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options).Train(dir.File("b.spotlight"), dir.File("b.checkpoint"));
        using var a = InpaintingModel.Load(dir.File("a.last.spotlight"));
        using var b = InpaintingModel.Load(dir.File("b.last.spotlight"));
        foreach (var (name, p) in a.Network.state_dict())
            Assert.True(p.equal(b.Network.state_dict()[name]).all().item<bool>(), name);
    }

    [Fact]
    public void The_optional_gan_and_discounted_terms_train_and_resume_with_the_discriminator()
    {
        var data = InpaintingImages.Synthetic(4, 16, seed: 4);
        var options = new InpaintingTrainingOptions
        {
            Steps = 3, BatchSize = 2, ValidateEvery = 100, CheckpointEvery = 100, ValidationImages = 2,
            Loss = new InpaintingLossWeights(Adversarial: 0.1, SpatialDiscount: true),
        };
        var log = new Recorder();
        using var dir = new TempDirectory();
        new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options with { StopAfterSteps = 2 }, log).Train(dir.File("g.spotlight"));
        Assert.True(File.Exists(dir.File("g.checkpoint.discriminator")));
        var result = new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options, log).Train(dir.File("g.spotlight"), dir.File("g.checkpoint"));
        Assert.Equal(3, result.Steps);
        Assert.All(log.Steps, s => Assert.True(s.Adversarial != 0 && double.IsFinite(s.Loss)));
    }

    [Fact]
    public void A_128_pixel_model_has_five_levels_and_fills_a_128_pixel_image()
    {
        torch.manual_seed(1);
        using var model = InpaintingModel.Create(InpaintingConfig.Tiny(128));
        Assert.Equal(5, model.Config.Levels);
        var image = SyntheticTextures.Render(128, 1, 3);
        var result = model.Fill(image, MaskGenerator.Centre(128), keepAttention: true);
        Assert.Equal(128, result.Composite.Width);
        Assert.Equal(4, result.Attention.Count);
        Assert.Equal(32, AttentionMap.From(result, MaskGenerator.Centre(128)).GridSize);
    }

    [Fact]
    public void A_checkpoint_from_another_configuration_is_refused()
    {
        var data = InpaintingImages.Synthetic(4, 16, seed: 4);
        var options = new InpaintingTrainingOptions { Steps = 1, BatchSize = 2, ValidateEvery = 100, CheckpointEvery = 100, ValidationImages = 2 };
        using var dir = new TempDirectory();
        new InpaintingTrainer(data, data, InpaintingConfig.Tiny(16), options).Train(dir.File("a.spotlight"));
        var other = InpaintingConfig.Tiny(16) with { Skips = SkipKind.Identity };
        var e = Assert.Throws<SpotlightException>(() =>
            new InpaintingTrainer(data, data, other, options with { Steps = 2 }).Train(dir.File("b.spotlight"), dir.File("a.checkpoint")));
        Assert.Contains("a.checkpoint", e.Message);
    }

    private sealed class Recorder : IInpaintingObserver
    {
        public List<InpaintingStepReport> Steps { get; } = [];
        public void OnStep(InpaintingStepReport report) => Steps.Add(report);
    }
}
