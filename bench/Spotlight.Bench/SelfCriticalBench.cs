using System.Diagnostics;
using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Metrics.Ptb;
using Spotlight.Text;
using Spotlight.Vision.Encoders;
using TorchSharp;

namespace Spotlight.Bench;

/// <summary>
/// Where a self-critical step spends its time: sampling K captions per image, the CIDEr-D reward (PTB tokenizing and
/// scoring), the teacher-forced forward pass, backward and Adam. A Flickr8k-sized LSTM captioner (random weights,
/// ResNet-18 regions 7×7×512, batch 64, K = 5). References: a data set's training captions when a path is given
/// (e.g. Flickr8k), otherwise 6,000 images × 5 made-up captions.
/// <c>dotnet run -c Release --project bench/Spotlight.Bench -- scst [DATA] [--threads N]</c>
/// </summary>
public static class SelfCriticalBench
{
    public static void Run(string[] args)
    {
        int threadsAt = Array.IndexOf(args, "--threads");
        if (threadsAt >= 0) torch.set_num_threads(int.Parse(args[threadsAt + 1], System.Globalization.CultureInfo.InvariantCulture));
        var path = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && (threadsAt < 0 || a != args[threadsAt + 1]));
        var references = path is null ? MadeUp(6000) : CaptionDataset.Load(path).Split("train").Images.Select(i => i.Captions).ToList();
        var vocabulary = CaptionEncoding.BuildVocabulary(references.SelectMany(r => r), new TextConfig(MaxLength: 22, MinCount: 5));
        Console.WriteLine($"{references.Count} training images' references ({(path ?? "made up")}), vocabulary {vocabulary.Count}, threads {torch.get_num_threads()}");

        torch.manual_seed(1);
        var config = new CaptionerConfig(vocabulary.Count, EmbedDim: 256, DecoderDim: 512, AttentionDim: 256, Dropout: 0.5f,
            Pretrained: new PretrainedEncoderConfig("resnet18"));
        using var network = new Captioner(config);
        var clock = Stopwatch.StartNew();
        const int samples = 5;
        var step = new SelfCriticalStep(network, vocabulary, references, new SelfCriticalOptions(samples), PtbTokenizer.Instance, seed: 1);
        Console.WriteLine($"reward model (tokenize {references.Sum(r => r.Count)} references, document frequencies): {clock.Elapsed.TotalMilliseconds:F0} ms");
        var optimizer = torch.optim.Adam(network.parameters().Where(p => p.requires_grad), 5e-5);
        const int batch = 64;
        for (int round = 0; round < 6; round++)
        {
            using var scope = torch.NewDisposeScope();
            var regions = torch.randn(batch, 49, 512).relu();
            var images = Enumerable.Range(round * batch, batch).Select(i => i % references.Count).ToList();
            var (loss, stats) = step.Loss(regions, images, round);
            var t = Stopwatch.GetTimestamp();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            double backward = Stopwatch.GetElapsedTime(t).TotalSeconds;
            double total = stats.StepSeconds + backward;
            Console.WriteLine($"round {round}: {batch}×{samples} samples (mean {stats.MeanLength:F1} words): step {total * 1000:F0} ms, " +
                $"reward {stats.RewardSeconds * 1000:F0} ms ({stats.RewardSeconds / total:P1} of the step), " +
                $"sample+forward {(stats.StepSeconds - stats.RewardSeconds) * 1000:F0} ms, backward+adam {backward * 1000:F0} ms");
        }
    }

    private static List<IReadOnlyList<string>> MadeUp(int images)
    {
        var random = new Random(3);
        string[] words = [.. "a the man woman dog dogs girl boy two people in on with and of is are red black white blue green playing running sitting standing water grass street beach snow ball shirt field near".Split(' ')];
        string Caption() => string.Join(' ', Enumerable.Range(0, random.Next(6, 16)).Select(_ => words[(int)Math.Min(words.Length - 1, -Math.Log(random.NextDouble()) * 8)]));
        return [.. Enumerable.Range(0, images).Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, 5).Select(_ => Caption()).ToList())];
    }
}
