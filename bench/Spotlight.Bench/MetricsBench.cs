using Spotlight.Metrics.Ptb;
using System.Diagnostics;
using Spotlight.Metrics;

namespace Spotlight.Bench;

/// <summary>
/// COCO caption metrics on 5,000 images × 5 references: synthetic captions (seeded, so every run scores the same
/// text), or with <c>metrics FLICKR_TOKEN_FILE</c> real English: the 5 captions of each of the first 5,000 images as
/// references and the first caption of the next image as the candidate. Times PTB tokenization and each metric.
/// </summary>
public static class MetricsBench
{
    public static void Run(string[] args)
    {
        const int images = 5000, refsPerImage = 5;
        var (references, candidates) = args.Length > 0 ? Flickr(args[0], images) : Generate(images, refsPerImage, seed: 12345);
        Console.WriteLine($"{images} images x {refsPerImage} references ({(args.Length > 0 ? "Flickr captions" : "synthetic words")}), {Environment.ProcessorCount} logical cores");

        var clock = Stopwatch.StartNew();
        PtbTokenizer.Tokenize("warm up the lexer's automaton");
        Console.WriteLine($"tokenizer build   {clock.Elapsed.TotalSeconds,7:F3} s");
        clock.Restart();
        var tokRefs = PtbTokenizer.TokenizeBatch(references.SelectMany(r => r).ToList());
        var tokCands = PtbTokenizer.TokenizeBatch(candidates);
        Console.WriteLine($"PTB tokenization  {clock.Elapsed.TotalSeconds,7:F3} s ({tokRefs.Count + tokCands.Count} captions)");

        var items = Enumerable.Range(0, images)
            .Select(i => new CaptionItem(i.ToString(System.Globalization.CultureInfo.InvariantCulture), tokRefs.Skip(i * refsPerImage).Take(refsPerImage).ToArray(), tokCands[i]))
            .ToList();
        var set = new CaptionSet(items);
        // Warm-up on 100 images so the timings below measure scoring, not JIT compilation.
        var warmUp = new CaptionSet(items.Take(100).ToList());
        foreach (var metric in new ICaptionMetric[] { new Bleu(), new RougeL(), new CiderD(), new Cider() }) metric.Score(warmUp);
        var (wall, cpu) = (TimeSpan.Zero, TimeSpan.Zero);
        var process = Process.GetCurrentProcess();
        foreach (var metric in new ICaptionMetric[] { new Bleu(), new RougeL(), new CiderD(), new Cider() })
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            clock.Restart();
            var scores = metric.Score(set);
            var elapsed = clock.Elapsed;
            process.Refresh();
            var used = process.TotalProcessorTime - cpuBefore;
            (wall, cpu) = (wall + elapsed, cpu + used);
            var shown = string.Join(" ", metric.Names.Select(n => $"{n}={scores.Corpus[n]:F4}"));
            Console.WriteLine($"{string.Join("/", metric.Names),-28} wall {elapsed.TotalSeconds,6:F3} s  cpu {used.TotalSeconds,6:F3} s  {shown}");
        }
        // CPU time is what the 2-core target is about when the machine is shared: wall time there includes waiting.
        Console.WriteLine($"all metrics                  wall {wall.TotalSeconds,6:F3} s  cpu {cpu.TotalSeconds,6:F3} s (target < 3 s on 2 cores, METEOR excluded)");

        // METEOR separately: it aligns every candidate with every reference, so it costs more than the rest together.
        var loadClock = Stopwatch.StartNew();
        var meteor = new MeteorCaptionMetric();
        var loadTime = loadClock.Elapsed;
        Console.WriteLine($"METEOR resources (WordNet) load   {loadTime.TotalSeconds,6:F3} s");
        meteor.Score(warmUp);
        var meteorClock = Stopwatch.StartNew();
        var meteorScore = meteor.Score(set).Corpus[MetricNames.Meteor];
        var meteorTime = meteorClock.Elapsed;
        Console.WriteLine($"METEOR ({meteor.Modules})  wall {meteorTime.TotalSeconds,6:F3} s  METEOR={meteorScore:F4}");
        Console.WriteLine($"all metrics with METEOR, one after another  wall {(wall + meteorTime).TotalSeconds,6:F3} s (+ tokenization above)");

        // What `spotlight score` does: PTB tokenization, then BLEU, METEOR, ROUGE-L and CIDEr-D side by side.
        var refs = ReferenceCaptions.From("references", references.Select((r, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (IReadOnlyList<string>)r)));
        var cands = new CandidateCaptions("results", candidates.Select((c, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), c)).ToList());
        CaptionEvaluator.Evaluate(ReferenceCaptions.From("warm-up", references.Take(100).Select((r, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (IReadOnlyList<string>)r))),
            new CandidateCaptions("warm-up", candidates.Take(100).Select((c, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), c)).ToList()),
            new EvaluationOptions([new Bleu(), meteor, new RougeL(), new CiderD()], PtbTokenizer.Instance));
        var times = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            clock.Restart();
            // A new METEOR each time: WordNet read again and its per-word caches cold, as in one `spotlight score`.
            var evaluation = new EvaluationOptions([new Bleu(), new MeteorCaptionMetric(), new RougeL(), new CiderD()], PtbTokenizer.Instance);
            var report = CaptionEvaluator.Evaluate(refs, cands, evaluation);
            times.Add(clock.Elapsed.TotalSeconds);
            process.Refresh();
            if (run == 0)
                Console.WriteLine("end to end: " + string.Join(" ", report.MetricNames.Select(n => $"{n}={report.Corpus[n]:F4}")) +
                                  $" (cpu {(process.TotalProcessorTime - cpuBefore).TotalSeconds:F3} s)");
        }
        times.Sort();
        Console.WriteLine($"end to end as `spotlight score` (PTB + BLEU, METEOR, ROUGE-L, CIDEr-D)  wall median of 3 {times[1],6:F3} s " +
                          $"(min {times[0]:F3}; WordNet load included; target < 3 s), load average {CaptioningBench.LoadAverage()}");
    }

    private static (List<string[]> References, List<string> Candidates) Flickr(string tokenFile, int images)
    {
        var captions = new Dictionary<string, List<string>>();
        var order = new List<string>();
        foreach (var line in File.ReadLines(tokenFile))
        {
            var tab = line.IndexOf('\t');
            if (tab < 0) continue;
            var name = line[..line.LastIndexOf('#', tab)];
            if (!captions.TryGetValue(name, out var list)) { captions[name] = list = []; order.Add(name); }
            list.Add(line[(tab + 1)..]);
        }
        var full = order.Where(n => captions[n].Count == 5).Take(images + 1).ToList();
        return ([.. full.Take(images).Select(n => captions[n].ToArray())], [.. full.Skip(1).Select(n => captions[n][0])]);
    }

    /// <summary>Captions of 8-14 words from a 1,500-word vocabulary with a Zipf-like skew; references share words with the candidate.</summary>
    private static (List<string[]> References, List<string> Candidates) Generate(int images, int refsPerImage, int seed)
    {
        var rng = new Random(seed);
        var vocabulary = Enumerable.Range(0, 1500).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string Word() => vocabulary[(int)(vocabulary.Length * Math.Pow(rng.NextDouble(), 3))];
        string[] Sentence() => Enumerable.Range(0, rng.Next(8, 15)).Select(_ => Word()).ToArray();
        string Render(IEnumerable<string> words) => "A " + string.Join(' ', words) + ".";

        var references = new List<string[]>(images);
        var candidates = new List<string>(images);
        for (var i = 0; i < images; i++)
        {
            var gist = Sentence();
            references.Add(Enumerable.Range(0, refsPerImage)
                .Select(_ => Render(gist.Select(w => rng.NextDouble() < 0.35 ? Word() : w))).ToArray());
            candidates.Add(Render(gist.Where(_ => rng.NextDouble() < 0.8)));
        }
        return (references, candidates);
    }
}
