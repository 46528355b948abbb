using Spotlight.Onnx;
using Spotlight.Captioning;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

/// <summary>
/// The user's path: import the packaged ResNet-18, train a tiny captioner on it with a feature cache, caption with
/// the encoder in ONNX Runtime and in libtorch.
/// </summary>
[Collection("Console")]
public sealed class ResNet18CommandTests
{
    [Fact]
    public void Imported_resnet18_trains_a_captioner_with_cached_features_that_then_captions_photos()
    {
        using var dir = new TempDirectory();
        var encoder = dir.File("r18.spotlight");
        var (code, output, error) = CliHarness.Run("weights", "import", "--encoder", "resnet18", "--out", encoder);
        Assert.True(code == 0, error);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0", output);
        var description = EncoderWeights.Describe(encoder);
        Assert.Equal((CntkResNet18.Arch, "ResNet18.onnx"), (description.Arch, description.Source));
        Assert.Equal(OnnxFile.Sha256(CntkResNet18.FindInOutput()!), description.SourceSha256);

        SyntheticDataset.Generate(new SynthConfig(Train: 8, Val: 4, Test: 2, Size: 32, Seed: 5), dir.File("data"));
        var model = dir.File("m.spotlight");
        (code, _, error) = CliHarness.Run("train", "--data", dir.File("data"), "--encoder-weights", encoder,
            "--cache-features", dir.File("cache"), "--out", model, "--epochs", "1", "--batch-size", "4",
            "--embed-dim", "8", "--decoder-dim", "16", "--attention-dim", "8", "--validation-images", "4", "--threads", "2");
        Assert.True(code == 0, error);
        var identity = Assert.Single(Directory.GetDirectories(dir.File("cache")));
        Assert.Equal(12, CachedRows(identity));                                  // 8 training + 4 validation images

        using (var captioner = CaptionModel.Load(model))
        {
            Assert.Equal(CntkResNet18.Arch, captioner.Network.Config.Pretrained!.Arch);
            Assert.Equal((7, 7, 512), (captioner.Network.Encoder.GridHeight, captioner.Network.Encoder.GridWidth, captioner.Network.Encoder.FeatureDim));
        }
        var photo = Directory.GetFiles(Path.Combine(dir.File("data"), "images")).Order(StringComparer.Ordinal).First();
        (code, output, error) = CliHarness.Run("caption", model, photo, "--beam", "2");
        Assert.True(code == 0, error);
        Assert.Contains(Path.GetFileName(photo), output);
        var (libtorchCode, libtorchOutput, _) = CliHarness.Run("caption", model, photo, "--beam", "2", "--encoder-runtime", "libtorch");
        Assert.Equal((0, output), (libtorchCode, libtorchOutput));   // ONNX Runtime (the default) and libtorch: the same caption
    }

    private static long CachedRows(string folder)
    {
        long rows = 0;
        foreach (var part in Directory.GetFiles(folder, "part-*.safetensors"))
        {
            using var file = Spotlight.Checkpoints.SafeTensors.Read(part);
            var features = file.Tensors["features"];
            Assert.Equal(new long[] { 49, 512 }, features.shape[1..]);
            rows += features.shape[0];
        }
        return rows;
    }
}
