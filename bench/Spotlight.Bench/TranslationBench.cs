using System.Diagnostics;
using Spotlight.Decoding;
using Spotlight.Text;
using Spotlight.Translation;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Bench;

/// <summary>
/// Translation speed per architecture: training step time and target tokens/s on random batches, and decoding
/// sentences/s (beam 5, batched vs one at a time). Args: [tiny|base] [threads]; or <c>synthetic ...</c> for
/// <see cref="TranslationExplore"/>.
/// </summary>
public static class TranslationBench
{
    public static void Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "synthetic") { TranslationExplore.Run(args[1..]); return; }
        bool tiny = args.Length > 0 && args[0] == "tiny";
        if (args.Length > 1) torch.set_num_threads(int.Parse(args[1]));
        int vocab = tiny ? 12 : 8000, batch = tiny ? 64 : 64, length = tiny ? 8 : 14, sentences = tiny ? 64 : 32;
        var alphabet = Enumerable.Range(0, vocab - 4).Select(i => ((char)(0x4E00 + i)).ToString()).ToList();
        var bpe = new BpeModel(alphabet, []);
        var subwords = new Subwords(bpe, bpe, true);
        foreach (var arch in Enum.GetValues<TranslatorArch>())
        {
            torch.manual_seed(1);
            var baseConfig = tiny ? TranslatorConfig.Tiny(arch) : new TranslatorConfig(arch);
            var config = baseConfig with { SourceVocab = bpe.Count, TargetVocab = bpe.Count };
            using var network = Seq2SeqModel.Create(config);
            using var optimizer = optim.Adam(network.parameters(), 1e-3);
            var random = new Random(1);
            var pairs = Enumerable.Range(0, batch).Select(i => new EncodedPair(
                Enumerable.Range(0, length).Select(_ => random.Next(4, vocab)).ToArray(),
                Enumerable.Range(0, length).Select(_ => random.Next(4, vocab)).ToArray(), i)).ToList();
            network.train();
            var times = new List<double>();
            for (int round = 0; round < 6; round++)
            {
                using var scope = NewDisposeScope();
                using var b = TranslationBatch.Create(pairs);
                var clock = Stopwatch.StartNew();
                var (logits, _) = network.Forward(b.Source, b.SourceMask, b.TargetIn);
                var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), b.TargetOut.reshape(-1), ignore_index: 0);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                if (round > 0) times.Add(clock.Elapsed.TotalMilliseconds);
            }
            double stepMs = times.Average();
            using var translator = new Translator(network, subwords);
            var sources = pairs.Take(sentences).Select(p => p.Source).ToList();
            var beam = new TranslateOptions(Beam: 5, MaxLengthFactor: 1, MaxLengthOffset: 0, BatchSize: sentences);
            var c1 = Stopwatch.StartNew();
            translator.Decode(sources, beam);
            double batched = sentences / c1.Elapsed.TotalSeconds;
            var c2 = Stopwatch.StartNew();
            translator.Decode(sources, beam with { BatchSize = 1 });
            double single = sentences / c2.Elapsed.TotalSeconds;
            Console.WriteLine($"{arch,-12} params {network.ParameterCount,10:N0}  train step {stepMs,8:F1} ms ({batch * (length + 1) / stepMs * 1000,8:F0} target tokens/s)" +
                $"  decode beam 5: batched {batched,7:F1} sent/s, one at a time {single,7:F1} sent/s");
        }
    }
}
