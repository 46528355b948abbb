using Spotlight.Tests.Vision;
using Spotlight.Vqa;
using Spotlight.Vqa.Data;

namespace Spotlight.Tests.Vqa;

/// <summary>Learning within a few seconds from a seed: nothing may draw from libtorch's global generator beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class VqaRngCollection
{
    public const string Name = "VQA learning (global torch RNG)";
}

[Collection(VqaRngCollection.Name)]
public class VqaLearningTests
{
    [Fact]
    public void A_tiny_model_learns_one_family_while_the_blind_baseline_stays_at_the_prior()
    {
        using var dir = new TempDirectory();
        // One object per scene and one family ("what colour is the star?"): the answer is the colour of the one thing
        // that is not background, learnable in seconds from pixels and not at all from the question (six colours).
        VqaSynthetic.Generate(new VqaSynthConfig(Train: 300, Val: 60, Test: 0, Size: 48, Seed: 9, MinObjects: 1, MaxObjects: 1), dir.Path);
        var data = VqaDataset.Load(dir.Path).Where(q => q.Family == VqaFamily.QueryColour);
        var options = new VqaTrainingOptions(Epochs: 10, BatchImages: 16, LearningRate: 3e-3, Seed: 1);
        var config = VqaConfig.Tiny with { ImageSize = 48 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var seeing = new VqaTrainer(data, config, options).Train(dir.File("san.spotlight"));
        // Seen at 88.5 % once while other test classes drew from the global generator in parallel; alone it is seeded.
        Assert.True(seeing.BestAccuracy >= 0.95, $"stacked attention: {seeing.BestAccuracy:P1} in {clock.Elapsed.TotalSeconds:F0} s");
        var blind = new VqaTrainer(data, config with { Model = VqaModelKind.Blind }, options).Train(dir.File("blind.spotlight"));
        var val = data.Split("val");
        double prior = val.GroupBy(q => q.Answer).Max(g => g.Count()) / (double)val.Count;
        Assert.InRange(blind.BestAccuracy, prior - 0.1, prior + 0.1);
    }
}
