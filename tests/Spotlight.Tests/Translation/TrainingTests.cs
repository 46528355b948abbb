using Spotlight.Checkpoints;
using Spotlight.Translation;
using static TorchSharp.torch;

namespace Spotlight.Tests.Translation;

/// <summary>Runs that seed libtorch's global generator and compare weights: nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TranslationRngCollection
{
    public const string Name = "Translation training (global torch RNG)";
}

[Collection(TranslationRngCollection.Name)]
public class TrainingTests
{
    private static readonly SyntheticTask Task = new(SyntheticTaskKind.Reverse, 2, 5, Symbols: 6);

    private static TranslationTrainingOptions Options => TranslationKit.FastOptions with { Epochs = 2, MaxSentences = 32 };

    [Theory]
    [InlineData(TranslatorArch.Luong)]
    [InlineData(TranslatorArch.Transformer)]
    public void A_run_stopped_and_resumed_ends_with_the_weights_of_an_uninterrupted_run(TranslatorArch arch)
    {
        TranslationKit.OneThread();
        var subwords = TranslationKit.Letters(6);
        var data = TranslationKit.Encode(Task.Generate(200, 2), subwords);
        var config = TranslatorConfig.Tiny(arch) with { Dropout = 0.1 };   // dropout: the generator state must resume too
        using var folder = new TemporaryFolder();
        var straight = new TranslationTrainer(subwords, config, Options).Train(data, null, Path.Combine(folder.Path, "a.spotlight"));
        var stopped = new TranslationTrainer(subwords, config, Options with { StopAfterSteps = 9 }).Train(data, null, Path.Combine(folder.Path, "b.spotlight"));
        Assert.Equal(9, stopped.Steps);
        var resumed = new TranslationTrainer(subwords, config, Options).Train(data, null, Path.Combine(folder.Path, "b.spotlight"), stopped.CheckpointPath);
        Assert.Equal(straight.Steps, resumed.Steps);
        using var a = ModelFile.Load(straight.LastModelPath);
        using var b = ModelFile.Load(resumed.LastModelPath);
        foreach (var (name, tensor) in a.Tensors) Assert.True(tensor.equal(b.Tensors[name]).all().item<bool>(), name);
    }

    [Fact]
    public void The_averaged_model_holds_the_mean_of_the_last_epochs()
    {
        TranslationKit.OneThread();
        var subwords = TranslationKit.Letters(6);
        using var folder = new TemporaryFolder();
        var result = new TranslationTrainer(subwords, TranslatorConfig.Tiny(TranslatorArch.RnnSearch), Options with { Epochs = 3, AverageLast = 2 })
            .Train(TranslationKit.Encode(Task.Generate(100, 2), subwords), null, Path.Combine(folder.Path, "m.spotlight"));
        var paths = TrainingOutputs.For(Path.Combine(folder.Path, "m.spotlight"));
        Assert.False(File.Exists(paths.Epoch(1)));   // only the last two are kept
        using var e2 = ModelFile.Load(paths.Epoch(2));
        using var e3 = ModelFile.Load(paths.Epoch(3));
        using var avg = ModelFile.Load(result.AveragedModelPath!);
        Assert.False(e2.Tensors["output.weight"].equal(e3.Tensors["output.weight"]).all().item<bool>());
        foreach (var (name, tensor) in avg.Tensors)
            Assert.True(tensor.allclose((e2.Tensors[name] + e3.Tensors[name]) / 2, rtol: 1e-6, atol: 1e-7), name);
        using var translator = Translator.Load(result.AveragedModelPath!);   // a usable model file
        Assert.Single(translator.Translate(["abc"], TranslateOptions.Greedy));
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused_on_resume()
    {
        TranslationKit.OneThread();
        var subwords = TranslationKit.Letters(6);
        var data = TranslationKit.Encode(Task.Generate(50, 2), subwords);
        using var folder = new TemporaryFolder();
        var run = new TranslationTrainer(subwords, TranslatorConfig.Tiny(TranslatorArch.Luong), Options with { StopAfterSteps = 1 })
            .Train(data, null, Path.Combine(folder.Path, "m.spotlight"));
        var other = TranslatorConfig.Tiny(TranslatorArch.Luong) with { Score = LuongScore.Dot };
        var e = Assert.Throws<SpotlightException>(() => new TranslationTrainer(subwords, other, Options).Train(data, null,
            Path.Combine(folder.Path, "m.spotlight"), run.CheckpointPath));
        Assert.Contains("different model configuration", e.Message);
    }
}
