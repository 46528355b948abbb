using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Tests.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

/// <summary>
/// A captioner saved with an encoder reference (the shipped form): float16 decoder, the packaged ResNet-18 named by
/// its SHA-256 instead of copied; loading resolves and checks it.
/// </summary>
[Collection(TinyCaptioningCollection.Name)]
public class EncoderReferenceTests(TinyCaptioningData data)
{
    /// <summary>A tiny decoder on the packaged ResNet-18 (random decoder weights, the package's encoder weights).</summary>
    private CaptionModel Model()
    {
        var vocabulary = data.RandomModel().Vocabulary;
        torch.manual_seed(4);
        var config = TinyCaptioningData.Config(vocabulary.Count) with { Pretrained = new PretrainedEncoderConfig(CntkResNet18.Arch) };
        var network = new Captioner(config);
        var encoder = CntkResNet18.ReadStateDict(CntkResNet18.FindInOutput()!);
        StateDictLoader.Load("package", network.EncoderModule, encoder);
        foreach (var t in encoder.Values) t.Dispose();
        network.eval();
        return new CaptionModel(network, vocabulary, config.Pretrained!.Preprocessing);
    }

    [Fact]
    public void Saved_without_its_encoder_it_loads_as_the_same_model_with_a_float16_decoder()
    {
        using var dir = new TempDirectory();
        using var model = Model();
        model.Save(dir.File("whole.spotlight"));
        model.SaveWithEncoderReference(dir.File("shipped.spotlight"));
        Assert.True(new FileInfo(dir.File("shipped.spotlight")).Length * 20 < new FileInfo(dir.File("whole.spotlight")).Length);
        var (_, blobs, header) = ModelFile.Inspect(dir.File("shipped.spotlight"));
        Assert.Contains(CaptionModel.EncoderReferenceBlob, blobs.Keys);
        Assert.DoesNotContain(header.Entries, e => e.Name.StartsWith("encoder.", StringComparison.Ordinal));
        Assert.All(header.Entries, e => Assert.Equal("F16", e.DType));

        // The reference model: the original with its decoder rounded to float16.
        using (var noGrad = torch.no_grad())
            foreach (var (name, p) in model.Network.state_dict().Where(p => p.Key.StartsWith("decoder.", StringComparison.Ordinal) && p.Value.is_floating_point()))
                p.copy_(p.to_type(ScalarType.Float16).to_type(ScalarType.Float32));
        using var loaded = CaptionModel.Load(dir.File("shipped.spotlight"));
        var expected = model.Network.state_dict();
        foreach (var (name, tensor) in loaded.Network.state_dict())
            Assert.True(tensor.equal(expected[name]).all().item<bool>(), $"{name} differs");
        var photos = data.Dataset.Split("test").Images.Take(2).Select(i => i.ImagePath).ToList();
        Assert.Equal(model.CaptionFiles(photos, new CaptionOptions(Beam: 2)).Select(c => c.Caption),
            loaded.CaptionFiles(photos, new CaptionOptions(Beam: 2)).Select(c => c.Caption));
    }

    [Fact]
    public void A_reference_to_another_onnx_file_or_a_changed_encoder_is_refused_with_one_line()
    {
        using var dir = new TempDirectory();
        using var model = Model();
        model.SaveWithEncoderReference(dir.File("shipped.spotlight"));

        // Rewritten with a valid checksum but another SHA-256 in its reference: loading names both.
        using (var file = ModelFile.Load(dir.File("shipped.spotlight")))
        {
            var blobs = file.Blobs.ToDictionary(p => p.Key, p => p.Value);
            blobs[CaptionModel.EncoderReferenceBlob] = blobs[CaptionModel.EncoderReferenceBlob].Replace("e2552f19", "00000000");
            ModelFile.Save(dir.File("other.spotlight"), CaptionModel.Kind, file.Tensors, blobs);
        }
        var e = Assert.Throws<SpotlightException>(() => CaptionModel.Load(dir.File("other.spotlight")));
        Assert.Contains("other.spotlight", e.Message);
        Assert.Contains("00000000", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        var bytes = File.ReadAllBytes(dir.File("shipped.spotlight"));
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(dir.File("tampered.spotlight"), bytes);
        e = Assert.Throws<SpotlightException>(() => CaptionModel.Load(dir.File("tampered.spotlight")));
        Assert.Contains("checksum mismatch", e.Message);

        using (var noGrad = torch.no_grad()) model.Network.EncoderModule.parameters().First().add_(1e-3);
        e = Assert.Throws<SpotlightException>(() => model.SaveWithEncoderReference(dir.File("changed.spotlight")));
        Assert.Contains("differs from", e.Message);
        Assert.False(File.Exists(dir.File("changed.spotlight")));
    }
}
