using Spotlight.Checkpoints;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Vision;

/// <summary>Builds modules (libtorch's global generator draws their initial weights): kept apart from seeded tests.</summary>
[Collection(Spotlight.Tests.Checkpoints.GlobalRngCollection.Name)]
public sealed class PretrainedEncoderTests
{
    /// <summary>
    /// Flickr8k photos (160×160, in shared/) and the ImageNet top-1 class and probability that an independent NumPy
    /// forward pass (bench/reference/mobilenet_v1_numpy.py: its own shard reader, NHWC layout, Keras 'same' padding,
    /// BatchNorm ε 1e-3, ReLU6; PIL decoding) gave for the 0.25 model at 160 px. Picked for a clear top-1 margin.
    /// </summary>
    public static TheoryData<string, int, double> Fixtures => new()
    {
        { "1024138940_f1fefbdce1.jpg", 253, 0.8592 },   // two dogs on a beach: basenji
        { "102455176_5f8ead62d5.jpg", 795, 0.9691 },    // ice climber: ski
        { "1028205764_7e8df9a2ea.jpg", 472, 0.8353 },   // man and baby in a kayak: canoe
        { "1019604187_d087bf9a5f.jpg", 176, 0.6898 },   // dog catching in a field: Saluki
        { "1042590306_95dea0916c.jpg", 400, 0.7457 },   // people posing in gowns: academic gown
        { "1016887272_03199f49c4.jpg", 972, 0.6435 },   // climbing collage: cliff
    };

    private static readonly Lazy<string?> Imported025 = new(() =>
    {
        var source = SharedData.Find("weights/mobilenet_v1_0.25_224/model.json");
        if (source is null) return null;
        var output = Path.Combine(Path.GetTempPath(), $"spotlight-mobilenet025-{Environment.ProcessId}.spotlight");
        EncoderWeights.Import(source, output);
        return output;
    });

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public void Imported_mobilenet_025_gives_the_independently_computed_imagenet_class(string image, int expectedClass, double expectedProbability)
    {
        var encoder = Imported025.Value;
        var photo = SharedData.Find($"data/flickr8k/images/{image}");
        Skip.If(encoder is null || photo is null, "shared/weights or shared/data/flickr8k is not beside the repository");
        var preprocessing = ImagePreprocessing.SymmetricUnit(160);
        var (model, _) = EncoderWeights.LoadClassifier(encoder!, preprocessing.Size);
        using (model)
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var probabilities = model.Classify(ImageTensor.Load(photo!, preprocessing).unsqueeze(0))[0];
            Assert.Equal(expectedClass, probabilities.argmax().item<long>());
            Assert.InRange(probabilities[expectedClass].item<float>(), expectedProbability - 0.02, expectedProbability + 0.02);
        }
    }

    [Fact]
    public void A_mobilenet_exported_to_tfjs_layout_imports_back_to_the_same_outputs()
    {
        using var dir = new TempDirectory();
        using var original = new MobileNetV1(0.25, 64, classes: 10);
        original.eval();
        RandomiseBatchNorm(original);
        string modelJson = TfjsFixture.Write(dir.Path, original);
        string imported = dir.File("imported.spotlight");
        var description = EncoderWeights.Import(modelJson, imported);
        Assert.Equal(("mobilenet-v1", 0.25, 10), (description.Arch, description.Alpha, description.Classes));

        var (model, _) = EncoderWeights.LoadClassifier(imported, 64);
        using (model)
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var x = rand(new long[] { 2, 3, 64, 64 }, generator: new Generator(3)) * 2 - 1;
            Assert.True(model.Classify(x).allclose(original.Classify(x), rtol: 1e-5, atol: 1e-6));
            Assert.Equal(new long[] { 2, 4, 256 }, model.Encode(x).shape);   // 64 px → 2×2 regions of 256 = 1024·0.25
        }
    }

    [Fact]
    public void Truncated_or_missing_shards_and_foreign_weights_are_refused_by_name()
    {
        using var dir = new TempDirectory();
        using var original = new MobileNetV1(0.25, 64);
        string modelJson = TfjsFixture.Write(dir.Path, original);
        var shard = Path.Combine(dir.Path, "group1-shard1of1");
        File.WriteAllBytes(shard, File.ReadAllBytes(shard)[..10]);
        var e = Assert.Throws<SpotlightException>(() => EncoderWeights.Import(modelJson, dir.File("x.spotlight")));
        Assert.StartsWith(modelJson, e.Message);
        Assert.Contains("too few", e.Message);
        File.Delete(shard);
        Assert.Contains("not found", Assert.Throws<SpotlightException>(() => EncoderWeights.Import(modelJson, dir.File("x.spotlight"))).Message);
        Assert.False(File.Exists(dir.File("x.spotlight")));

        var notMobileNet = dir.Write("other/model.json", """{"weightsManifest":[{"paths":["w"],"weights":[{"name":"dense/kernel","shape":[1],"dtype":"float32"}]}]}"""u8.ToArray());
        dir.Write("other/w", new byte[4]);
        Assert.Contains("not a Keras MobileNet", Assert.Throws<SpotlightException>(() => EncoderWeights.Import(notMobileNet, dir.File("y.spotlight"))).Message);
    }

    [Fact]
    public void Resnet_weights_with_torchvision_names_load_from_safetensors_and_fc_is_ignored()
    {
        using var dir = new TempDirectory();
        using var source = new ResNetEncoder(18, 64);
        source.eval();
        RandomiseBatchNorm(source);
        var tensors = source.state_dict()
            .Where(p => !p.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))          // timm files lack them
            .ToDictionary(p => p.Key, p => p.Value.to_type(ScalarType.Float16));                   // and are often float16
        tensors["fc.weight"] = zeros(1000, 512);
        tensors["fc.bias"] = zeros(1000);
        var file = dir.File("resnet18.safetensors");
        SafeTensors.Write(file, tensors);
        Assert.Equal(18, ResNetEncoder.DepthOf(tensors.Keys));

        string imported = dir.File("resnet18.spotlight");
        Assert.Equal("resnet18", EncoderWeights.Import(file, imported).Arch);
        var config = new PretrainedEncoderConfig("resnet18", ImageSize: 64);
        using var encoder = (ResNetEncoder)config.Create();
        EncoderWeights.LoadInto(imported, encoder, config);
        encoder.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(new long[] { 1, 3, 64, 64 }, generator: new Generator(5));
        using var rounded = new ResNetEncoder(18, 64);   // the source's weights after the float16 round trip
        rounded.eval();
        StateDictLoader.Load("rounded", rounded, source.state_dict().ToDictionary(p => p.Key,
            p => p.Value.is_floating_point() ? p.Value.to_type(ScalarType.Float16).to_type(ScalarType.Float32) : p.Value));
        Assert.True(encoder.Encode(x).allclose(rounded.Encode(x), rtol: 1e-4, atol: 1e-5));
        Assert.Equal(new long[] { 1, 4, 512 }, encoder.Encode(x).shape);

        tensors.Remove("layer4.1.conv2.weight");
        SafeTensors.Write(file, tensors);
        Assert.Contains("not those of a TorchVision/timm ResNet", Assert.Throws<SpotlightException>(() => EncoderWeights.Import(file, imported)).Message);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void An_encoder_file_of_another_architecture_is_refused()
    {
        using var dir = new TempDirectory();
        using var mobile = new MobileNetV1(0.25, 64);
        var path = dir.File("m.spotlight");
        EncoderWeights.Save(path, mobile, new EncoderWeights.Description("mobilenet-v1", 0.25, 0, "test"), null);
        var wanted = new PretrainedEncoderConfig("mobilenet-v1", Alpha: 0.75, ImageSize: 64);
        using var wider = wanted.Create();
        var e = Assert.Throws<SpotlightException>(() => EncoderWeights.LoadInto(path, wider, wanted));
        Assert.Equal($"{path}: holds MobileNet v1 0.25 weights, not MobileNet v1 0.75", e.Message);
    }

    /// <summary>Fresh BatchNorm has mean 0, variance 1; random statistics make a layout mistake visible.</summary>
    internal static void RandomiseBatchNorm(nn.Module module)
    {
        using var noGrad = no_grad();
        var g = new Generator(11);
        foreach (var (name, tensor) in module.state_dict())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) tensor.copy_(randn(tensor.shape, generator: g) * 0.1);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.copy_(rand(tensor.shape, generator: g) + 0.5);
            else if (name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith("bn.weight", StringComparison.Ordinal)) tensor.copy_(randn(tensor.shape, generator: g) * 0.1);
        }
    }
}

/// <summary>Writes a MobileNetV1 as a TF.js layers model (Keras names and kernel layouts, one shard per layer).</summary>
internal static class TfjsFixture
{
    public static string Write(string folder, MobileNetV1 model)
    {
        var groups = new List<string>();
        int index = 0;
        var state = model.state_dict();
        foreach (var layer in state.Keys.Select(k => k[..k.LastIndexOf('.')]).Distinct())
        {
            var entries = new List<string>();
            using var shard = new MemoryStream();
            foreach (var (suffix, keras) in new[] { ("weight", ""), ("bias", "bias"), ("running_mean", "moving_mean"), ("running_var", "moving_variance") })
            {
                if (!state.TryGetValue($"{layer}.{suffix}", out var t)) continue;
                bool norm = layer.EndsWith("_bn", StringComparison.Ordinal);
                bool depthwise = layer.StartsWith("conv_dw_", StringComparison.Ordinal) && !norm;
                string name = suffix switch
                {
                    "weight" when norm => "gamma",
                    "bias" when norm => "beta",
                    "weight" => depthwise ? "depthwise_kernel" : "kernel",
                    _ => keras,
                };
                var value = name switch
                {
                    "kernel" => t.permute(2, 3, 1, 0),
                    "depthwise_kernel" => t.permute(2, 3, 0, 1),
                    _ => t,
                };
                var floats = value.contiguous().data<float>().ToArray();
                var bytes = new byte[floats.Length * 4];
                Buffer.BlockCopy(floats, 0, bytes, 0, bytes.Length);
                shard.Write(bytes);
                entries.Add($$"""{"name":"{{layer}}/{{name}}","shape":[{{string.Join(",", value.shape)}}],"dtype":"float32"}""");
            }
            string file = $"group{++index}-shard1of1";
            File.WriteAllBytes(Path.Combine(folder, file), shard.ToArray());
            groups.Add($$"""{"paths":["{{file}}"],"weights":[{{string.Join(",", entries)}}]}""");
        }
        var path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, $$"""{"modelTopology":null,"weightsManifest":[{{string.Join(",", groups)}}]}""");
        return path;
    }
}
