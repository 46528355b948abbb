using System.Text.Json;
using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Inpainting;
using Spotlight.Tests.Captioning;
using Spotlight.Translation;
using Spotlight.Vision.Encoders;
using TorchSharp;

namespace Spotlight.Tests.Checkpoints;

/// <summary>
/// Files written by an earlier Spotlight (commit 4719671, tests/FixtureWriter, Fixtures/README.md) must keep loading.
/// The expected outputs are what that commit's code printed when it wrote them.
/// </summary>
[Collection(TinyCaptioningCollection.Name)]
public sealed class FixtureTests(TinyCaptioningData data)
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The narrower tiny captioner the fixtures were trained with (as in tests/FixtureWriter).</summary>
    private static CaptionerConfig FixtureCaptioner => CaptionerConfig.Tiny(5, imageSize: 32) with
    {
        EmbedDim = 8, DecoderDim = 16, AttentionDim = 8, Encoder = new SmallCnnConfig(32, [4, 8, 8]),
    };

    [Fact]
    public void A_captioner_file_from_before_still_loads_and_captions_as_it_did()
    {
        using var model = CaptionModel.Load(Fixture("captioner.spotlight"));
        Assert.Equal(JsonSerializer.Serialize(FixtureCaptioner with { VocabSize = 60 }, CaptionModel.Json),
            JsonSerializer.Serialize(model.Config, CaptionModel.Json));
        Assert.Equal(model.Config.VocabSize, model.Vocabulary.Count);
        using var summary = JsonDocument.Parse(model.SummaryJson!);   // the trainer's training_summary entry
        Assert.True(summary.RootElement.TryGetProperty("steps", out var steps) && steps.GetInt64() == 4, model.SummaryJson);
        using var grey = torch.full(1, 3, 32, 32, 0.5f);
        var result = model.CaptionTensors(grey, ["grey"], new CaptionOptions(Beam: 1))[0];
        Assert.Equal("big below big", result.Caption);
        Assert.Equal(-15.25233006477356, result.LogProb, 1e-4);
    }

    [Fact]
    public void A_translator_file_from_before_still_loads_and_translates_as_it_did()
    {
        using var translator = Translator.Load(Fixture("translator.spotlight"));
        Assert.Equal(TranslatorArch.RnnSearch, translator.Config.Arch);
        Assert.Equal("""{"fixture":"translator","steps":0}""", translator.SummaryJson);
        var best = translator.Translate(["abcd"], TranslateOptions.Greedy)[0].Best;
        Assert.Equal("", best.Text);
        Assert.Equal(-2.097963809967041, best.LogProb, 1e-4);
    }

    [Fact]
    public void An_inpainter_file_from_before_still_loads_with_its_summary_and_fills_as_it_did()
    {
        using var model = InpaintingModel.Load(Fixture("inpainter.spotlight"));
        Assert.Equal(InpaintingConfig.Tiny(16).ImageSize, model.ImageSize);
        Assert.Equal("""{"fixture":"inpainter","steps":0}""", model.SummaryJson);   // saved then as "summary"
        var filled = model.Fill(SyntheticTextures.Render(16, 2, 0), MaskGenerator.Centre(16));
        Assert.Equal(93258, filled.Raw.Data.Sum(b => (long)b));
    }

    [Fact]
    public void An_encoder_file_from_before_still_describes_itself_and_loads_into_its_encoder()
    {
        var path = Fixture("encoder.spotlight");
        Assert.Equal(new EncoderWeights.Description("mobilenet-v1", 0.05, 0, "fixture"), EncoderWeights.Describe(path));
        var config = new PretrainedEncoderConfig("mobilenet-v1", Alpha: 0.05, ImageSize: 32);
        using var encoder = config.Create();
        var checksum = EncoderWeights.LoadInto(path, encoder, config);
        Assert.Equal(["config", "labels"], ModelFile.Inspect(path).Blobs.Keys.Order());
        Assert.Matches("^[0-9a-f]{64}$", checksum);
        using var file = ModelFile.Load(path, EncoderWeights.Kind);
        Assert.Equal(checksum, file.Checksum);
        foreach (var (name, tensor) in encoder.state_dict())
            Assert.True(tensor.equal(file.Tensors[name]).all().item<bool>(), name);
    }

    [Fact]
    public void A_captioning_checkpoint_from_before_still_resumes()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        var options = TinyCaptioningData.Options with { Epochs = 2 };
        var result = new CaptionTrainer(data.Dataset, FixtureCaptioner, options, observer)
            .Train(dir.File("m.spotlight"), Fixture("captioner.checkpoint"));
        Assert.Contains(observer.Messages, m => m.StartsWith("resuming from ") && m.EndsWith("epoch 2, step 4"));
        Assert.Equal(4, observer.Steps.Count);     // only the second epoch: 64 images, batch 16
        Assert.Equal(8, result.Steps);
    }
}
