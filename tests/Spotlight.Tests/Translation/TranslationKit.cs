using Spotlight.Training;
using Spotlight.Text;
using Spotlight.Translation;
using TorchSharp;

namespace Spotlight.Tests.Translation;

/// <summary>Shared helpers: synthetic tasks at the character level (no BPE merges), tiny models, short training runs.</summary>
public static class TranslationKit
{
    /// <summary>
    /// One libtorch thread: these models are far too small to gain from more, and on a loaded 2-core machine extra
    /// threads spin against each other (a training step measured ~10× slower with the default).
    /// </summary>
    public static void OneThread() => torch.set_num_threads(1);

    /// <summary>Subwords for the synthetic tasks: the first <paramref name="symbols"/> letters, no merges.</summary>
    public static Subwords Letters(int symbols = 8)
    {
        var model = new BpeModel(Enumerable.Range(0, symbols).Select(i => ((char)('a' + i)).ToString()).ToList(), []);
        return new Subwords(model, model, true);
    }

    public static SubwordCorpus Encode(IReadOnlyList<SentencePair> pairs, Subwords subwords, int maxLength = 64) =>
        SubwordCorpus.Encode(new ParallelCorpus(pairs, [], "synthetic"), subwords, maxLength);

    public static TranslationTrainingOptions FastOptions => new()
    {
        Epochs = 6, MaxTokens = 2048, MaxSentences = 64, LearningRate = 1e-2, Schedule = ScheduleKind.Constant,
        WarmupSteps = 20, LabelSmoothing = 0.0, GradientClipNorm = 1.0, Seed = 5,
    };

    /// <summary>Trains on the task and returns the translator (loaded from the best model file) and the run's folder.</summary>
    public static Translator Train(SyntheticTask task, TranslatorConfig config, TranslationTrainingOptions options, int pairs, int seed,
        out TemporaryFolder folder, IReadOnlyList<SentencePair>? validation = null)
    {
        OneThread();
        var subwords = Letters(task.Symbols);
        folder = new TemporaryFolder();
        var trainer = new TranslationTrainer(subwords, config, options);
        var result = trainer.Train(Encode(task.Generate(pairs, seed), subwords), validation, Path.Combine(folder.Path, "model.spotlight"));
        return Translator.Load(result.BestModelPath);
    }

    /// <summary>Fraction of sources whose greedy translation equals the task's target exactly.</summary>
    public static double ExactMatch(Translator translator, SyntheticTask task, IReadOnlyList<SentencePair> test, TranslateOptions? options = null)
    {
        var results = translator.Translate(test.Select(p => p.Source).ToList(), options ?? TranslateOptions.Greedy);
        return results.Zip(test).Count(r => r.First.Best.Text == task.Target(r.Second.Source)) / (double)test.Count;
    }

    public static Translator RandomTranslator(TranslatorArch arch, long seed = 3, int symbols = 8)
    {
        var subwords = Letters(symbols);
        torch.manual_seed(seed);
        var config = TranslatorConfig.Tiny(arch) with { SourceVocab = subwords.Source.Count, TargetVocab = subwords.Target.Count };
        var network = Seq2SeqModel.Create(config);
        network.eval();
        return new Translator(network, subwords);
    }
}

/// <summary>A folder under the temp directory, deleted on dispose.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spotlight-translation-" + Guid.NewGuid().ToString("N"));

    public TemporaryFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
