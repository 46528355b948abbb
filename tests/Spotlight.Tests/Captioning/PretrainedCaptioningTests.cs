using Spotlight.Captioning;
using Spotlight.Tests.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

/// <summary>A captioner on a pretrained (here: randomly initialised, saved as an encoder file) MobileNet, with and without the feature cache.</summary>
[Collection(TinyCaptioningCollection.Name)]
public sealed class PretrainedCaptioningTests(TinyCaptioningData data)
{
    private static readonly PretrainedEncoderConfig Mobile = new("mobilenet-v1", Alpha: 0.25, ImageSize: 64);

    private static string EncoderFile(TempDirectory dir, string name, int seed)
    {
        manual_seed(seed);
        using var encoder = new MobileNetV1(0.25, 64);
        PretrainedEncoderTests.RandomiseBatchNorm(encoder);
        var path = dir.File(name);
        EncoderWeights.Save(path, encoder, new EncoderWeights.Description("mobilenet-v1", 0.25, 0, "test"), null);
        return path;
    }

    private static CaptionerConfig Config(PretrainedEncoderConfig encoder) => TinyCaptioningData.Config() with { Pretrained = encoder };

    [Fact]
    public void Cached_features_train_the_decoder_are_reused_and_equal_what_inference_computes()
    {
        using var dir = new TempDirectory();
        var weights = EncoderFile(dir, "encoder.spotlight", 1);
        var cacheDir = dir.File("cache");
        var options = TinyCaptioningData.Options with { EncoderWeights = weights, FeatureCache = cacheDir, Epochs = 6, LearningRate = 1e-2 };
        var log = new RecordingObserver();
        var result = new CaptionTrainer(data.Dataset, Config(Mobile), options, log).Train(dir.File("m.spotlight"));
        double first = log.Steps.Take(3).Average(s => s.CrossEntropy), last = log.Steps.TakeLast(3).Average(s => s.CrossEntropy);
        Assert.True(last < first - 0.5, $"cross-entropy went from {first:F3} to {last:F3}");
        var identity = Assert.Single(Directory.GetDirectories(cacheDir));
        var parts = Directory.GetFiles(identity, "part-*.safetensors");
        Assert.NotEmpty(parts);

        // A second run finds every image in the cache: no new files.
        new CaptionTrainer(data.Dataset, Config(Mobile), options with { Epochs = 1 }).Train(dir.File("m2.spotlight"));
        Assert.Equal(parts.Order(), Directory.GetFiles(identity, "part-*.safetensors").Order());

        // The model file carries the encoder: captioning a raw image runs the same preprocessing and weights, so its
        // regions equal the cached (float16) features of that image.
        using var model = CaptionModel.Load(result.BestModelPath);
        Assert.Equal(Mobile.Preprocessing, model.Preprocessing);
        var cache = new FeatureCache(cacheDir, Mobile, EncoderWeights.LoadInto(weights, Mobile.Create(), Mobile));
        var images = data.Dataset.Split("train").Images.Take(4).ToList();
        using var cached = cache.Get([.. images.Select(i => i.ImagePath)], Mobile.Preprocessing, model.Network.EncodeImages, []);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var fresh = model.Network.EncodeImages(stack(images.Select(i => model.LoadImage(i.ImagePath)).ToArray()));
        var max = fresh.abs().max().item<float>();
        Assert.True((cached.Rows(0, 4) - fresh).abs().max().item<float>() <= 2e-3 * Math.Max(1, max), "cached features differ from inference's");
        Assert.Equal(images.Count, model.CaptionFiles([.. images.Select(i => i.ImagePath)], new CaptionOptions(Beam: 2)).Count);
    }

    [Fact]
    public void A_corrupt_training_image_is_skipped_before_training_with_its_name()
    {
        using var dir = new TempDirectory();
        Spotlight.Captioning.Data.Synthetic.SyntheticDataset.Generate(new(Train: 16, Val: 4, Test: 4, Size: 32, Seed: 3), dir.File("data"));
        var dataset = Spotlight.Captioning.Data.CaptionDataset.Load(dir.File("data"));
        var victim = dataset.Split("train").Images[5].ImagePath;
        File.WriteAllBytes(victim, File.ReadAllBytes(victim)[..40]);
        var log = new RecordingObserver();
        var result = new CaptionTrainer(dataset, TinyCaptioningData.Config(), TinyCaptioningData.Options with { Epochs = 1 }, log).Train(dir.File("m.spotlight"));
        Assert.Contains(log.Messages, m => m.Contains(victim) && m.Contains("skipped"));
        Assert.Single(log.Steps);   // 15 readable images, batch 16: one step
        Assert.True(File.Exists(result.BestModelPath));
    }

    [Fact]
    public void Other_weights_get_their_own_cache_identity_and_a_notice()
    {
        using var dir = new TempDirectory();
        var cacheDir = dir.File("cache");
        var messages = new List<string>();
        var first = new FeatureCache(cacheDir, Mobile, "checksum-a", messages.Add);
        var second = new FeatureCache(cacheDir, Mobile, "checksum-b", messages.Add);
        var bigger = new FeatureCache(cacheDir, Mobile with { ImageSize = 96 }, "checksum-a", messages.Add);
        Assert.Equal(3, new[] { first.Identity, second.Identity, bigger.Identity }.Distinct().Count());
        Assert.Contains(messages, m => m.Contains("other encoder setting"));
        Assert.Equal(first.Identity, new FeatureCache(cacheDir, Mobile, "checksum-a").Identity);
    }

    [Fact]
    public void A_cache_file_of_another_identity_or_shape_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        var cache = new FeatureCache(dir.File("cache"), Mobile, "x");
        var bad = Path.Combine(cache.Folder, "part-0.safetensors");
        Spotlight.Checkpoints.SafeTensors.Write(bad, new Dictionary<string, Tensor> { ["features"] = zeros(new long[] { 1, 4, 256 }, ScalarType.Float16) },
            new Dictionary<string, string> { ["identity"] = "0123456789abcdef", ["keys"] = "[\"k\"]" });
        var e = Assert.Throws<SpotlightException>(() => cache.Get([data.Dataset.Images[0].ImagePath], Mobile.Preprocessing, x => x, []));
        Assert.StartsWith(bad, e.Message);
        Assert.Contains("another encoder", e.Message);
    }

    [Fact]
    public void Unreadable_images_are_left_out_of_the_cache_with_a_warning()
    {
        using var dir = new TempDirectory();
        var weights = EncoderFile(dir, "encoder.spotlight", 2);
        using var encoder = (MobileNetV1)Mobile.Create();
        var cache = new FeatureCache(dir.File("cache"), Mobile, EncoderWeights.LoadInto(weights, encoder, Mobile));
        var broken = dir.Write("broken.png", [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var warnings = new List<string>();
        encoder.eval();
        using var features = cache.Get([data.Dataset.Images[0].ImagePath, broken, data.Dataset.Images[1].ImagePath], Mobile.Preprocessing, encoder.Encode, warnings);
        Assert.Equal([0, 2], features.Kept);
        Assert.Equal(new long[] { 2, 4, 256 }, features.Features.shape);
        Assert.Contains(warnings, w => w.Contains("broken.png"));
    }

    [Fact]
    public void Fine_tuning_trains_only_the_last_blocks_and_refuses_the_cache()
    {
        using var dir = new TempDirectory();
        var weights = EncoderFile(dir, "encoder.spotlight", 3);
        var fineTune = Mobile with { TrainableBlocks = 2 };
        var options = TinyCaptioningData.Options with { EncoderWeights = weights, Epochs = 1 };
        var result = new CaptionTrainer(data.Dataset, Config(fineTune), options).Train(dir.File("m.spotlight"));
        using var model = CaptionModel.Load(result.LastModelPath);
        using var original = Mobile.Create();
        EncoderWeights.LoadInto(weights, original, Mobile);
        var before = original.state_dict();
        foreach (var (name, tensor) in model.Network.EncoderModule.state_dict())
        {
            bool trainable = new[] { "conv_dw_12", "conv_pw_12", "conv_dw_13", "conv_pw_13" }.Any(b => name.StartsWith(b, StringComparison.Ordinal));
            bool weight = name.EndsWith(".weight", StringComparison.Ordinal) && !name.Contains("_bn", StringComparison.Ordinal);
            bool same = tensor.equal(before[name]).all().item<bool>();
            if (trainable && weight) Assert.False(same, $"{name} should have been fine-tuned");
            if (!trainable) Assert.True(same, $"{name} should be frozen");
        }
        var e = Assert.Throws<SpotlightException>(() =>
            new CaptionTrainer(data.Dataset, Config(fineTune), options with { FeatureCache = dir.File("cache") }).Train(dir.File("m2.spotlight")));
        Assert.Contains("frozen encoder", e.Message);
        Assert.Contains("needs its pretrained weights", Assert.Throws<SpotlightException>(() =>
            new CaptionTrainer(data.Dataset, Config(Mobile), TinyCaptioningData.Options).Train(dir.File("m3.spotlight"))).Message);
    }
}
