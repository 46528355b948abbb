using Spotlight.Captioning;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Onnx;

/// <summary><c>spotlight export onnx</c> and <c>caption --decoder-runtime onnx</c> as a user runs them.</summary>
// Runs alone: it seeds and draws from libtorch's global generator, which the server fixture's model also draws from.
[Collection(TinyCaptioningCollection.Name)]
public class ExportOnnxCommandTests
{
    [Fact]
    public void Export_writes_the_three_graphs_and_the_manifest_and_onnx_decoding_prints_the_same_captions()
    {
        using var data = new TinyCaptioningData();
        using var dir = new TempDirectory();
        using (var model = data.RandomModel(seed: 6)) model.Save(dir.File("m.spotlight"));

        var (code, output, error) = CliHarness.Run("export", "onnx", dir.File("m.spotlight"), "--out", dir.File("onnx"));
        Assert.True(code == 0, error);
        foreach (var file in new[] { "encoder.onnx", "prepare.onnx", "step.onnx", "captioner.json" })
        {
            Assert.Contains($"wrote {Path.Combine(dir.File("onnx"), file)}", output);
            Assert.True(new FileInfo(Path.Combine(dir.File("onnx"), file)).Length > 0, file);
        }
        Assert.Equal("lstm", CaptionerOnnxExport.ReadManifest(dir.File("onnx")).Decoder);

        var photos = data.Dataset.Split("test").Images.Take(3).Select(i => i.ImagePath).ToArray();
        var libtorch = CliHarness.Run(["caption", dir.File("m.spotlight"), .. photos, "--beam", "3", "--decoder-runtime", "libtorch"]);
        var onnx = CliHarness.Run(["caption", dir.File("m.spotlight"), .. photos, "--beam", "3", "--decoder-runtime", "onnx"]);
        Assert.True(onnx.Code == 0, onnx.Err);
        Assert.Equal(libtorch.Out, onnx.Out);
        Assert.Equal(3, onnx.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void An_encoder_file_exports_to_a_graph_that_gives_its_regions()
    {
        using var dir = new TempDirectory();
        TorchSharp.torch.manual_seed(3);
        using (var mobile = new Spotlight.Vision.Encoders.MobileNetV1(0.25, 64))
            Spotlight.Vision.Encoders.EncoderWeights.Save(dir.File("enc.spotlight"), mobile,
                new Spotlight.Vision.Encoders.EncoderWeights.Description("mobilenet-v1", 0.25, 0, "test"), null);

        var (code, output, error) = CliHarness.Run("export", "onnx", dir.File("enc.spotlight"), "--out", dir.File("onnx"), "--image-size", "64");

        Assert.True(code == 0, error);
        Assert.Contains("encoder.json", output);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("onnx/encoder.json")));
        Assert.Equal(2, json.RootElement.GetProperty("grid_height").GetInt32());
        Assert.Equal(256, json.RootElement.GetProperty("feature_dim").GetInt32());   // 1024 × 0.25
        var config = new Spotlight.Vision.Encoders.PretrainedEncoderConfig("mobilenet-v1", 0.25, 64);
        using var module = config.Create();
        Spotlight.Vision.Encoders.EncoderWeights.LoadInto(dir.File("enc.spotlight"), module, config);
        module.eval();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var images = TorchSharp.torch.randn(3, 3, 64, 64);
        using var session = new Spotlight.Onnx.OnnxSession(File.ReadAllBytes(dir.File("onnx/encoder.onnx")), "encoder.onnx");
        var expected = ((Spotlight.Vision.Encoders.IImageEncoder)module).Encode(images);
        var actual = session.Run(images, "regions")[0];
        Assert.True((expected - actual).abs().max().item<float>() < 1e-4 * expected.abs().max().item<float>());
    }

    [Fact]
    public void A_transformer_translator_file_exports_its_encoder_step_and_manifest()
    {
        using var dir = new TempDirectory();
        using (var translator = Spotlight.Tests.Translation.TranslationKit.RandomTranslator(Spotlight.Translation.TranslatorArch.Transformer))
            translator.Save(dir.File("t.spotlight"));
        var (code, output, error) = CliHarness.Run("export", "onnx", dir.File("t.spotlight"), "--out", dir.File("onnx"));
        Assert.True(code == 0, error);
        foreach (var file in new[] { "encoder.onnx", "step.onnx", "translator.json" }) Assert.Contains($"wrote {Path.Combine(dir.File("onnx"), file)}", output);
    }

    [Fact]
    public void Exporting_a_missing_model_gives_one_line_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliHarness.Run("export", "onnx", dir.File("absent.spotlight"), "--out", dir.File("onnx"));
        Assert.NotEqual(0, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("absent.spotlight", error);
        Assert.False(Directory.Exists(dir.File("onnx")));
    }
}
