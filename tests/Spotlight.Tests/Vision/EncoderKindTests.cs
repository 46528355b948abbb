using Spotlight.Vision.Encoders;
using TorchSharp;

namespace Spotlight.Tests.Vision;

public class EncoderKindTests
{
    [Fact]
    public void Every_architecture_belongs_to_exactly_one_kind()
    {
        Assert.Equal(["mobilenet-v1", "resnet101", "resnet18", "resnet18-cntk", "resnet34", "resnet50", "vit-base-16", "vit-small-16", "vit-tiny-16"],
            PretrainedEncoderConfig.Architectures.Order(StringComparer.Ordinal));
        foreach (var arch in PretrainedEncoderConfig.Architectures)
            Assert.Single(EncoderKinds.All, k => k.Architectures.Contains(arch));
        var e = Assert.Throws<SpotlightException>(() => new PretrainedEncoderConfig("vgg16").Validate());
        Assert.StartsWith("unknown encoder 'vgg16' (expected ", e.Message);
    }

    [Theory]
    [InlineData("weights/model.json", "mobilenet-v1")]
    [InlineData("resnet50.safetensors", "resnet50")]
    [InlineData("DnnImageModels/ResNet18Onnx/ResNet18.onnx", "resnet18-cntk")]
    public void The_importer_is_the_kind_that_reads_the_file(string source, string arch) =>
        Assert.Contains(arch, EncoderKinds.ImporterFor(source).Architectures);

    [Fact]
    public void A_file_no_kind_reads_is_named_with_what_is_expected()
    {
        var e = Assert.Throws<SpotlightException>(() => EncoderKinds.ImporterFor("weights.pt"));
        Assert.Equal("weights.pt: expected a TF.js model.json, a .safetensors or an .onnx file", e.Message);
    }

    [Theory]
    [InlineData("mobilenet-v1", 0.25, 256)]
    [InlineData("resnet18", 1.0, 512)]
    [InlineData("resnet18-cntk", 1.0, 512)]
    public void Each_kind_builds_a_trunk_that_gives_49_regions_at_224_pixels(string arch, double alpha, int channels)
    {
        var config = new PretrainedEncoderConfig(arch, alpha);
        config.Validate();
        using var scope = torch.NewDisposeScope();
        using var trunk = config.Create();
        trunk.eval();
        using var _ = torch.no_grad();
        var map = trunk.forward(torch.zeros(1, 3, 224, 224));
        Assert.Equal([1L, 49, channels], map.shape);        // (batch, regions of the 7×7 grid, features)
        Assert.Equal(224, config.Preprocessing.Size);
        Assert.NotEmpty(config.Blocks());
    }

    [Fact]
    public void A_kind_checks_its_own_settings()
    {
        var e = Assert.Throws<SpotlightException>(() => new PretrainedEncoderConfig("resnet18-cntk", ImageSize: 160).Validate());
        Assert.Equal("the resnet18-cntk encoder takes 224 px images (its mean image is that size), got 160", e.Message);
    }
}
