using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Inpainting;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Translation;
using Spotlight.Tests.Vision;
using Spotlight.Translation;
using TorchSharp;

namespace Spotlight.Tests.Training;

/// <summary>What each trainer gained from the shared loop: behaviours only one of them had before.</summary>
[Collection(TinyCaptioningCollection.Name)]
public class SharedLoopTests(TinyCaptioningData data)
{
    private static void AssertSameWeights(string a, string b)
    {
        using var x = ModelFile.Load(a);
        using var y = ModelFile.Load(b);
        foreach (var (name, tensor) in x.Tensors) Assert.True(tensor.equal(y.Tensors[name]).all().item<bool>(), name);
    }

    [Fact]
    public void A_captioner_stopped_by_its_time_budget_resumes_mid_epoch_and_ends_with_the_uninterrupted_weights()
    {
        torch.set_num_threads(1);
        using var dir = new TempDirectory();
        // No plateau cuts: the stopped run validates once more than the straight one, and that must not change the rate.
        var options = TinyCaptioningData.Options with { Epochs = 2, PlateauPatience = 1000, EarlyStopPatience = 1000 };
        var straight = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("a.spotlight"));
        var stopped = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options with { TimeBudget = TimeSpan.Zero }).Train(dir.File("b.spotlight"));
        Assert.Equal((1L, "time budget reached"), (stopped.Steps, stopped.StopReason));
        var resumed = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("b.spotlight"), stopped.CheckpointPath);
        Assert.Equal(straight.Steps, resumed.Steps);           // the rest of epoch 1 was not skipped
        AssertSameWeights(straight.LastModelPath, resumed.LastModelPath);
    }

    [Fact]
    public void A_captioning_checkpoint_with_another_seed_is_refused_before_any_weight_is_loaded()
    {
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 1, StopAfterSteps = 1 };
        var run = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("m.spotlight"));
        var e = Assert.Throws<SpotlightException>(() => new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options with { Seed = 12 })
            .Train(dir.File("m.spotlight"), run.CheckpointPath));
        Assert.Equal($"{run.CheckpointPath}: checkpoint was trained with --seed 11, not 12", e.Message);
    }

    [Fact]
    public void A_captioning_checkpoint_of_another_configuration_is_named_as_such_not_as_a_shape_mismatch()
    {
        // Before the shared loop, captioning loaded the weights first and failed on the first tensor of another shape.
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 1, StopAfterSteps = 1 };
        var run = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("m.spotlight"));
        var wider = TinyCaptioningData.Config() with { AttentionDim = TinyCaptioningData.Config().AttentionDim * 2 };
        var e = Assert.Throws<SpotlightException>(() => new CaptionTrainer(data.Dataset, wider, options).Train(dir.File("m.spotlight"), run.CheckpointPath));
        Assert.Equal($"{run.CheckpointPath}: checkpoint has a different model configuration", e.Message);
    }

    [Fact]
    public void A_captioner_warms_its_learning_rate_up()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        var options = TinyCaptioningData.Options with { Epochs = 1, WarmupSteps = 4, LearningRate = 1e-2 };
        new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options, observer).Train(dir.File("m.spotlight"));
        Assert.Equal([2.5e-3, 5e-3, 7.5e-3, 1e-2], observer.Steps.Take(4).Select(s => Math.Round(s.LearningRate, 12)));
    }

    [Fact]
    public void A_translation_checkpoint_with_another_seed_is_refused()
    {
        TranslationKit.OneThread();
        var subwords = TranslationKit.Letters(6);
        var pairs = TranslationKit.Encode(new SyntheticTask(SyntheticTaskKind.Reverse, 2, 5, Symbols: 6).Generate(50, 2), subwords);
        var options = TranslationKit.FastOptions with { Epochs = 1, StopAfterSteps = 1 };
        using var dir = new TempDirectory();
        var run = new TranslationTrainer(subwords, TranslatorConfig.Tiny(TranslatorArch.Luong), options).Train(pairs, null, dir.File("m.spotlight"));
        var e = Assert.Throws<SpotlightException>(() => new TranslationTrainer(subwords, TranslatorConfig.Tiny(TranslatorArch.Luong), options with { Seed = 6 })
            .Train(pairs, null, dir.File("m.spotlight"), run.CheckpointPath));
        Assert.Contains("trained with --seed 5, not 6", e.Message);
    }

    [Fact]
    public void Captioning_and_inpainting_refuse_a_device_they_cannot_train_on_with_one_line()
    {
        var cuda = new torch.Device(DeviceType.CUDA);
        var e = Assert.Throws<SpotlightException>(() => new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), TinyCaptioningData.Options with { Device = cuda }));
        Assert.Equal("captioners train on the CPU only (asked for cuda)", e.Message);
        var images = InpaintingImages.Synthetic(2, 16, seed: 1);
        e = Assert.Throws<SpotlightException>(() => new InpaintingTrainer(images, images, InpaintingConfig.Tiny(16), new InpaintingTrainingOptions { Device = cuda }));
        Assert.Equal("inpainting trains on the CPU only (asked for cuda)", e.Message);
    }
}
