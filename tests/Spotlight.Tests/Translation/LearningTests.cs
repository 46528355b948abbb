using System.Diagnostics;
using Spotlight.Translation;
using Xunit.Abstractions;

namespace Spotlight.Tests.Translation;

public class LearningTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(SyntheticTaskKind.Copy)]
    [InlineData(SyntheticTaskKind.Reverse)]
    public void A_tiny_attention_model_learns_the_task_to_99_percent_exact_match(SyntheticTaskKind kind)
    {
        var task = new SyntheticTask(kind, 3, 8, Symbols: 8);
        var clock = Stopwatch.StartNew();
        using var translator = TranslationKit.Train(task, TranslatorConfig.Tiny(TranslatorArch.RnnSearch), TranslationKit.FastOptions,
            pairs: 3000, seed: 1, out var folder);
        using var _ = folder;
        var test = task.Generate(300, seed: 99);
        double exact = TranslationKit.ExactMatch(translator, task, test);
        output.WriteLine($"{kind}: exact match {exact:P1} in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(exact >= 0.99, $"exact match {exact:P1}");
    }
}
