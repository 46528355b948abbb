using Spotlight.Captioning;
using Spotlight.Decoding;
using Spotlight.Metrics;
using Spotlight.Tests.Vision;
using Spotlight.Text;
using TorchSharp;

namespace Spotlight.Tests.Captioning;

/// <summary>Self-critical sequence training: the reward, the baseline, learning, resume, and the CLI.</summary>
[Collection(TinyCaptioningCollection.Name)]
public class SelfCriticalTests(TinyCaptioningData data)
{
    private static readonly CaptionTrainingOptions Xe = TinyCaptioningData.Options with { Epochs = 4, LearningRate = 1e-2 };

    /// <summary>A briefly cross-entropy-trained tiny captioner to start self-critical training from.</summary>
    private string Pretrained(TempDirectory dir)
    {
        var result = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config() with { DoublyStochasticLambda = 0f }, Xe)
            .Train(dir.File("xe.spotlight"));
        return result.LastModelPath;
    }

    [Fact]
    public void The_mean_of_others_baseline_leaves_each_sample_out()
    {
        var baselines = SelfCriticalStep.MeanOfOthers([1, 2, 3, 10, 10, 40], 3);
        Assert.Equal([2.5, 2.0, 1.5, 25, 25, 10], baselines);
        Assert.Throws<ArgumentException>(() => SelfCriticalStep.MeanOfOthers([1, 2, 3], 2));
    }

    [Fact]
    public void The_reward_equals_the_cider_d_of_spotlight_score_for_the_same_captions()
    {
        using var model = data.RandomModel();
        var train = data.Dataset.Split("train").Images;
        var step = new SelfCriticalStep(model.Network, model.Vocabulary, [.. train.Select(i => i.Captions)], new SelfCriticalOptions(), null, seed: 5);

        // Sampled captions from an untrained model: varied, often bad, some cut off.
        using var scope = torch.NewDisposeScope();
        var images = torch.stack(train.Select(i => model.LoadImage(i.ImagePath)).ToArray());
        using var noGrad = torch.no_grad();
        var regions = model.Network.EncodeImages(images);
        var state = model.Network.Decoder.Start(regions);
        var samples = Sampler.Decode(model.Network.Decoder.DecodeStep, state, train.Count,
            new DecodeOptions(BeamSize: 1, MaxLength: 12, BlockedTokens: [Vocabulary.Pad, Vocabulary.Start]), new SamplingOptions(Seed: 9));
        model.Network.Decoder.Release(state);
        var rewards = step.Score([.. Enumerable.Range(0, train.Count)], samples);

        var references = new ReferenceCaptions("refs", [.. train.Select(i => i.Id)], train.ToDictionary(i => i.Id, i => i.Captions));
        var candidates = new CandidateCaptions("samples", [.. train.Select((image, i) => (image.Id, model.Vocabulary.Decode(samples[i].Tokens)))]);
        var report = CaptionEvaluator.Evaluate(references, candidates, new EvaluationOptions([new CiderD()]));
        var expected = report.PerItem[MetricNames.CiderD];
        Assert.Equal(train.Count, rewards.Length);
        Assert.Contains(rewards, r => r > 0.1);                 // not all zero: the comparison means something
        for (int i = 0; i < rewards.Length; i++) Assert.True(Math.Abs(expected[i] - rewards[i]) < 1e-12, $"image {i}: {rewards[i]} vs {expected[i]}");
    }

    [Fact]
    public void Self_critical_training_raises_the_cider_d_of_sampled_captions()
    {
        using var dir = new TempDirectory();
        var start = Pretrained(dir);
        var observer = new RecordingObserver();
        var options = TinyCaptioningData.Options with
        {
            Epochs = 15, LearningRate = 3e-3, InitModel = start, SelfCritical = new SelfCriticalOptions(Samples: 5),
            EarlyStopPatience = 1000, PlateauPatience = 1000,
        };
        new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options, observer).Train(dir.File("scst.spotlight"));

        Assert.Equal(60, observer.Steps.Count);                   // 64 images in batches of 16, 15 epochs
        // Tokens sampling never draws get no gradient: their output rows are where cross-entropy training left them.
        using (var before = CaptionModel.Load(start))
        using (var after = CaptionModel.Load(dir.File("scst.last.spotlight")))
            foreach (var token in new[] { Vocabulary.Pad, Vocabulary.Start, Vocabulary.Unknown })
                foreach (var name in new[] { "decoder.output.weight", "decoder.output.bias" })
                    Assert.True(before.Network.state_dict()[name][token].equal(after.Network.state_dict()[name][token]).all().item<bool>(), $"{name}[{token}] changed");
        using (var after = CaptionModel.Load(dir.File("scst.last.spotlight")))
        using (var before = CaptionModel.Load(start))
            Assert.False(before.Network.state_dict()["decoder.output.bias"][Vocabulary.End].equal(after.Network.state_dict()["decoder.output.bias"][Vocabulary.End]).all().item<bool>());
        Assert.All(observer.Steps, s => Assert.NotNull(s.SelfCritical));
        double first = observer.Steps.Take(12).Average(s => s.SelfCritical!.Reward);
        double last = observer.Steps.TakeLast(12).Average(s => s.SelfCritical!.Reward);
        Assert.True(last > first * 1.3, $"mean sampled CIDEr-D went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void A_resumed_self_critical_run_equals_an_uninterrupted_one()
    {
        using var dir = new TempDirectory();
        var start = Pretrained(dir);
        var options = TinyCaptioningData.Options with
        {
            Epochs = 2, LearningRate = 2e-3, InitModel = start,
            SelfCritical = new SelfCriticalOptions(Samples: 3, Baseline: SelfCriticalBaseline.Greedy),
        };
        var straight = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("a/m.spotlight"));
        var interrupted = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options with { StopAfterSteps = 3 }).Train(dir.File("b/m.spotlight"));
        Assert.Equal(3, interrupted.Steps);
        var resumed = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("b/m.spotlight"), interrupted.CheckpointPath);
        Assert.Equal(straight.Steps, resumed.Steps);

        using var a = CaptionModel.Load(straight.LastModelPath);
        using var b = CaptionModel.Load(resumed.LastModelPath);
        using var s0 = CaptionModel.Load(start);
        var (pa, p0) = (a.Network.state_dict(), s0.Network.state_dict());
        Assert.Contains(pa.Keys, key => !pa[key].equal(p0[key]).all().item<bool>());  // training changed the weights
        Spotlight.Tests.Checkpoints.WeightsAssert.Same(pa, b.Network.state_dict(), 1e-6);
    }

    [Fact]
    public void Self_critical_training_without_a_starting_model_is_refused()
    {
        var options = TinyCaptioningData.Options with { SelfCritical = new SelfCriticalOptions() };
        var e = Assert.Throws<SpotlightException>(() => new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options));
        Assert.Contains("--init", e.Message);
        Assert.Throws<SpotlightException>(() => new SelfCriticalOptions(Samples: 1).Validate());
    }
}
