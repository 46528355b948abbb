using Spotlight.Onnx;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Vision;

/// <summary>
/// ML.NET's ImageNet ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, copied into the test output): the
/// TorchSharp import and Spotlight's ONNX export, both against ONNX Runtime running the package's original files.
/// </summary>
[Collection(Spotlight.Tests.Checkpoints.GlobalRngCollection.Name)]
public sealed class CntkResNet18Tests
{
    /// <summary>Tolerance on the grid: largest difference over the largest value (ReLU grids peak around 10–30).</summary>
    private const double Tolerance = 1e-4;

    private static string Network => CntkResNet18.FindInOutput() ?? throw new InvalidOperationException("ResNet18.onnx is not in the test output");

    private static readonly Lazy<ResNetEncoder> Imported = new(() =>
    {
        var file = Path.Combine(Path.GetTempPath(), $"spotlight-r18-{Environment.ProcessId}.spotlight");
        EncoderWeights.Import(Network, file);
        var config = new PretrainedEncoderConfig(CntkResNet18.Arch);
        var encoder = (ResNetEncoder)config.Create();
        EncoderWeights.LoadInto(file, encoder, config);
        File.Delete(file);
        encoder.eval();
        return encoder;
    });

    /// <summary>Two 224 px RGB 0–255 "photos": smooth gradients plus noise, different per image and channel.</summary>
    private static Tensor Images()
    {
        var g = new Generator(17);
        var ramp = linspace(0, 1, 224);
        var smooth = stack([ramp.outer(ramp), ramp.outer(1 - ramp), (1 - ramp).outer(ramp)]).unsqueeze(0);   // (1, 3, 224, 224)
        return (smooth * tensor(new float[] { 200, 120 }).reshape(2, 1, 1, 1) + rand(new long[] { 2, 3, 224, 224 }, generator: g) * 55).clamp(0, 255);
    }

    [Fact]
    public void The_package_network_is_in_the_test_and_cli_outputs_unchanged()
    {
        Assert.True(CntkResNet18.KnownFiles.ContainsKey(OnnxFile.Sha256(Network)), $"{Network}: not the released file");
        Assert.True(File.Exists(CntkResNet18.PreprocessPath(Network)));
        // The CLI is built beside the tests (same configuration and framework): tests/Spotlight.Tests → src/Spotlight.Cli.
        var cli = AppContext.BaseDirectory.Replace(Path.Combine("tests", "Spotlight.Tests"), Path.Combine("src", "Spotlight.Cli"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cli, CntkResNet18.RelativePath)), $"ResNet18.onnx is missing from the CLI's output {cli}");
        Assert.True(File.Exists(CntkResNet18.PreprocessPath(Path.Combine(cli, CntkResNet18.RelativePath))));
    }

    [Fact]
    public void The_grid_is_7x7x512_at_224_px_and_the_package_pooled_output_is_its_mean()
    {
        using var scope = NewDisposeScope();
        using var reference = new CntkResNet18Runtime(Network, threads: 2);
        var (grid, pooled) = reference.Run(Images());
        Assert.Equal(new long[] { 2, 512, 7, 7 }, grid.shape);
        Assert.Equal(new long[] { 2, 512 }, pooled.shape);
        double error = (grid.mean([2, 3]) - pooled).abs().max().item<float>() / pooled.abs().max().item<float>();
        Assert.True(error < 1e-5, $"pooled output differs from the grid mean by {error:g3} of its largest value");
    }

    [Fact]
    public void The_torchsharp_import_and_the_onnx_export_equal_onnx_runtime_on_the_original_files()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var reference = new CntkResNet18Runtime(Network, threads: 2);
        using var exported = new OnnxResNetEncoder(Imported.Value, threads: 2);
        var images = Images();
        var expected = reference.Run(images).Grid.flatten(2).transpose(1, 2);            // (2, 49, 512)
        double scale = expected.abs().max().item<float>();
        Assert.InRange(scale, 1, 1000);                                                  // a live network, not zeros
        var viaTorch = Imported.Value.Encode(images);
        var viaExport = exported.Encode(images);
        double torchError = (viaTorch - expected).abs().max().item<float>() / scale;
        double exportError = (viaExport - expected).abs().max().item<float>() / scale;
        Assert.True(torchError < Tolerance, $"TorchSharp import: {torchError:g3} of the largest value");
        Assert.True(exportError < Tolerance, $"ONNX export: {exportError:g3} of the largest value");
    }

    [Fact]
    public void Float32_in_libtorch_and_onnx_runtime_agree_with_float64_on_the_imported_network()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var exported = new OnnxResNetEncoder(Imported.Value, threads: 2);
        var image = Images()[..1];
        var f32 = Imported.Value.Encode(image);
        var ort = exported.Encode(image);
        Imported.Value.to(ScalarType.Float64);
        Tensor f64;
        try { f64 = Imported.Value.Encode(image.to_type(ScalarType.Float64)); }   // libtorch's float64 convolutions do not use oneDNN
        finally { Imported.Value.to(ScalarType.Float32); }
        double scale = f64.abs().max().item<double>();
        Assert.True((f32.to_type(ScalarType.Float64) - f64).abs().max().item<double>() / scale < Tolerance, "libtorch float32");
        Assert.True((ort.to_type(ScalarType.Float64) - f64).abs().max().item<double>() / scale < Tolerance, "ONNX Runtime float32");
    }

    [SkippableFact]
    public void On_real_photos_the_import_equals_onnx_runtime()
    {
        string[] names = ["1024138940_f1fefbdce1.jpg", "102455176_5f8ead62d5.jpg"];   // dogs on a beach; an ice climber
        var photos = names.Select(n => SharedData.Find($"data/flickr8k-224/images/{n}")).ToList();
        Skip.If(photos.Any(p => p is null), "shared/data/flickr8k-224 is not beside the repository");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var reference = new CntkResNet18Runtime(Network, threads: 2);
        var images = stack(photos.Select(p => ImageTensor.Load(p!, new PretrainedEncoderConfig(CntkResNet18.Arch).Preprocessing)).ToArray());
        var expected = reference.Run(images).Grid.flatten(2).transpose(1, 2);
        double error = (Imported.Value.Encode(images) - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < Tolerance, $"{error:g3} of the largest value");
    }

    [Theory]
    [InlineData(18)]
    [InlineData(50)]
    public void Resnet_trunks_exported_to_onnx_give_torchsharps_regions(int depth)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(depth);
        using var encoder = new ResNetEncoder(depth, 64);
        PretrainedEncoderTests.RandomiseBatchNorm(encoder);
        encoder.eval();
        using var exported = new OnnxResNetEncoder(encoder, threads: 1);
        var x = randn(new long[] { 3, 3, 64, 64 }, generator: new Generator(2));
        var expected = encoder.Encode(x);
        var actual = exported.Encode(x);
        Assert.Equal(expected.shape, actual.shape);
        double error = (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < Tolerance, $"ResNet-{depth}: {error:g3} of the largest value");
    }

    [Fact]
    public void Missing_empty_truncated_corrupt_or_foreign_onnx_files_give_one_line_naming_the_file()
    {
        using var dir = new TempDirectory();
        var original = File.ReadAllBytes(Network);
        string Refusal(string path)
        {
            var e = Assert.Throws<SpotlightException>(() => EncoderWeights.Import(path, dir.File("out.spotlight")));
            Assert.StartsWith(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.False(File.Exists(dir.File("out.spotlight")));
            return e.Message;
        }

        Assert.Contains("not found", Refusal(dir.File("absent.onnx")));
        Assert.Contains("empty", Refusal(dir.Write("empty.onnx", [])));
        Assert.Contains("truncated or corrupt", Refusal(dir.Write("truncated.onnx", original[..100_000])));
        Assert.Contains("not", Refusal(dir.Write("noise.onnx", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))])));
        using (var tiny = new ResNetEncoder(18, 64))
            File.WriteAllBytes(dir.File("foreign.onnx"), ResNetOnnxGraph.Serialize(tiny));
        Assert.Contains("expected one 1×3×224×224 image input", Refusal(dir.File("foreign.onnx")));
        var alone = dir.Write("alone/ResNet18.onnx", original);   // without the package's ResNetPrepOnnx folder
        var e = Assert.Throws<SpotlightException>(() => EncoderWeights.Import(alone, dir.File("out.spotlight")));
        Assert.Equal($"{CntkResNet18.PreprocessPath(alone)}: file not found (ResNet18.onnx needs the package's ResNetPrepOnnx/ResNetPreprocess.onnx beside its folder)", e.Message);

        e = Assert.Throws<SpotlightException>(() => new CntkResNet18Runtime(dir.File("truncated.onnx")));
        Assert.StartsWith(dir.File("truncated.onnx"), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
