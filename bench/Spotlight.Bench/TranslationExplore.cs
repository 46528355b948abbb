using Spotlight.Training;
using System.Diagnostics;
using Spotlight.Text;
using Spotlight.Translation;
using TorchSharp;

namespace Spotlight.Bench;

/// <summary>
/// How fast a tiny model learns a synthetic task, and how exact match falls with length (the shape of Bahdanau et
/// al.'s Fig. 2). Args: ARCH TASK PAIRS EPOCHS LR MINLEN MAXLEN DIM SYMBOLS [BATCH] [SCHEDULE] [WARMUP], e.g.
/// <c>translation synthetic RnnSearch Copy 2000 6 0.02 2 10 32 6 64 InverseSqrt 50</c>. Used to size the learning tests.
/// </summary>
public static class TranslationExplore
{
    public static void Run(string[] a)
    {
        torch.set_num_threads(1);
        var arch = Enum.Parse<TranslatorArch>(a[0]);
        var kind = Enum.Parse<SyntheticTaskKind>(a[1]);
        int pairs = int.Parse(a[2]), epochs = int.Parse(a[3]); double lr = double.Parse(a[4]);
        int minLen = int.Parse(a[5]), maxLen = int.Parse(a[6]), dim = int.Parse(a[7]), symbols = int.Parse(a[8]);
        int batch = a.Length > 9 ? int.Parse(a[9]) : 64;
        var task = new SyntheticTask(kind, minLen, maxLen, symbols);
        var model = new BpeModel(Enumerable.Range(0, symbols).Select(i => ((char)('a' + i)).ToString()).ToList(), []);
        var subwords = new Subwords(model, model, true);
        var config = TranslatorConfig.Tiny(arch) with { EncoderDim = dim, DecoderDim = dim, AttentionDim = dim, ModelDim = dim, FeedForwardDim = 2 * dim };
        var options = new TranslationTrainingOptions { Epochs = epochs, MaxTokens = 4096, MaxSentences = batch, LearningRate = lr,
            Schedule = Enum.Parse<ScheduleKind>(a.Length > 10 ? a[10] : "InverseSqrt"), WarmupSteps = int.Parse(a.Length > 11 ? a[11] : "50"), LabelSmoothing = 0, Seed = 5 };
        var dir = Path.Combine(Path.GetTempPath(), "explore-" + Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        var result = new TranslationTrainer(subwords, config, options).Train(
            SubwordCorpus.Encode(new ParallelCorpus(task.Generate(pairs, 1), [], "s"), subwords, 64), null, Path.Combine(dir, "m.spotlight"));
        var train = clock.Elapsed.TotalSeconds;
        using var translator = Translator.Load(result.BestModelPath);
        for (int len = minLen; len <= maxLen + 6; len += 2)
        {
            var test = new SyntheticTask(kind, len, len, symbols).Generate(200, 99);
            var outs = translator.Translate(test.Select(p => p.Source).ToList(), TranslateOptions.Greedy);
            double exact = outs.Zip(test).Count(r => r.First.Best.Text == task.Target(r.Second.Source)) / 200.0;
            Console.Write($"len {len}: {exact:P0}  ");
        }
        Console.WriteLine($"\n{arch} {kind} train {train:F1}s steps {result.Steps}");
        Directory.Delete(dir, true);
    }
}
