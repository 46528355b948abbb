using Spotlight.Tests.Captioning;
using Spotlight.Tests.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vqa;
using static TorchSharp.torch;

namespace Spotlight.Tests.Vqa;

/// <summary>VQA on a frozen pretrained encoder: its regions computed once (in memory or through the feature cache).</summary>
// Runs alone: it seeds libtorch's global generator, which the server fixture's model also draws from.
[Collection(TinyCaptioningCollection.Name)]
public class VqaPretrainedEncoderTests : IClassFixture<VqaSetFixture>
{
    private readonly VqaSetFixture set;

    public VqaPretrainedEncoderTests(VqaSetFixture set) => this.set = set;

    private static readonly PretrainedEncoderConfig Mobile = new("mobilenet-v1", Alpha: 0.25, ImageSize: 64);

    private static string EncoderFile(TempDirectory dir)
    {
        manual_seed(3);
        using var encoder = new MobileNetV1(0.25, 64);
        PretrainedEncoderTests.RandomiseBatchNorm(encoder);
        var path = dir.File("encoder.spotlight");
        EncoderWeights.Save(path, encoder, new EncoderWeights.Description("mobilenet-v1", 0.25, 0, "test"), null);
        return path;
    }

    [Fact]
    public void A_frozen_encoder_is_loaded_cached_left_unchanged_and_answers_as_from_pixels()
    {
        using var dir = new TempDirectory();
        var weights = EncoderFile(dir);
        var config = VqaConfig.Tiny with { Pretrained = Mobile };
        var options = new VqaTrainingOptions(Epochs: 2, BatchImages: 16, LearningRate: 3e-3, Seed: 1) { EncoderWeights = weights, FeatureCache = dir.File("cache") };
        var result = new VqaTrainer(set.Data, config, options).Train(dir.File("m.spotlight"));
        Assert.NotEmpty(Directory.GetFiles(Assert.Single(Directory.GetDirectories(dir.File("cache"))), "part-*.safetensors"));

        using var model = VqaModel.Load(result.BestModelPath);
        Assert.Equal(Mobile, model.Config.Pretrained);
        // The encoder in the model file is the imported one, unchanged by training.
        string checksum;
        using (var imported = new MobileNetV1(0.25, 64))
        {
            checksum = EncoderWeights.LoadInto(weights, imported, Mobile);
            var trained = model.Network.EncoderModule!.state_dict();
            foreach (var (name, value) in imported.state_dict())
                Assert.True(value.equal(trained[name]).all().item<bool>(), $"{name} changed");
        }
        // Answers from cached regions (as evaluation reads them) equal answers from pixels (as `vqa ask` and the server compute).
        var vocabulary = model.QuestionVocabulary;
        using var fromCache = VqaExamples.Load(set.Data, "test", vocabulary, model.AnswerIds, model.Preprocessing, 40,
            paths => new FeatureCache(dir.File("cache"), Mobile, checksum).Get(paths, model.Preprocessing, model.EncodeImages, [], null).Features.to_type(ScalarType.Float32));
        Assert.True(fromCache.HoldsRegions);
        using var fromPixels = VqaExamples.Load(set.Data, "test", vocabulary, model.AnswerIds, model.Preprocessing, 40);
        var a = VqaEvaluation.Run(model, fromCache);
        var b = VqaEvaluation.Run(model, fromPixels);
        Assert.Equal(b.Select(x => x.Answer), a.Select(x => x.Answer));
        var q = fromPixels.Questions[0];
        Assert.Equal(b[0].Answer, model.Ask(set.Data.ImagePath(q.ImageId), q.Question).Answer);

        // Without a cache folder the regions are computed in memory; without weights the encoder is refused by name.
        var inMemory = new VqaTrainer(set.Data, config, new VqaTrainingOptions(Epochs: 1, BatchImages: 16, LearningRate: 3e-3, Seed: 1) { EncoderWeights = weights })
            .Train(dir.File("n.spotlight"));
        Assert.True(File.Exists(inMemory.BestModelPath));
        var e = Assert.Throws<SpotlightException>(() => new VqaTrainer(set.Data, config, new VqaTrainingOptions(Epochs: 1)).Train(dir.File("x.spotlight")));
        Assert.Contains("mobilenet-v1 encoder needs its pretrained weights", e.Message);
        Assert.Contains("frozen", Assert.Throws<SpotlightException>(() => (config with { Pretrained = Mobile with { TrainableBlocks = 1 }, QuestionVocabSize = 9, AnswerCount = 3 }).Validate()).Message);
    }
}
