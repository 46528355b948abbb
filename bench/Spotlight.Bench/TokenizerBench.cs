using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Metrics;
using Spotlight.Metrics.Ptb;

namespace Spotlight.Bench;

/// <summary>
/// The library's default tokenizer (<see cref="SimpleCaptionTokenizer"/>, MIT) against the exact COCO one
/// (<see cref="PtbTokenizer"/>, GPL): how many captions tokenize identically, and the scores each gives. Per image the
/// first caption is the candidate and the other captions its references. <c>tokenizers [DATASET_DIR]</c>: a data set
/// folder (e.g. Flickr8k); without one, 1,000 synthetic scenes from the demo's generator.
/// </summary>
public static class TokenizerBench
{
    public static void Run(string[] args)
    {
        string? temp = null;
        var dir = args.FirstOrDefault();
        if (dir is null)
        {
            temp = Directory.CreateTempSubdirectory("spotlight-tokenizers").FullName;
            SyntheticDataset.Generate(new SynthConfig(1000, 10, 10, 64, 1), temp, overwrite: true);
            dir = temp;
        }
        try
        {
            var dataset = CaptionDataset.Load(dir);
            var images = dataset.Images.Where(i => i.Captions.Count >= 2).ToList();
            var all = images.SelectMany(i => i.Captions).ToList();
            var ptb = PtbTokenizer.TokenizeBatch(all);
            var simple = CaptionTokenizers.Default.TokenizeBatch(all);
            var differing = Enumerable.Range(0, all.Count).Where(i => ptb[i] != simple[i]).ToList();
            Console.WriteLine($"{dir}: {images.Count} images, {all.Count} captions; tokenized identically: {all.Count - differing.Count} "
                + $"({100.0 * (all.Count - differing.Count) / all.Count:F2} %)");
            foreach (var i in differing.Take(8)) Console.WriteLine($"  raw: {all[i]}\n  ptb: {ptb[i]}\n  simple: {simple[i]}");

            var refs = ReferenceCaptions.From("references", images.Select(i => (i.Id, (IReadOnlyList<string>)i.Captions.Skip(1).ToList())));
            var cands = new CandidateCaptions("first captions", images.Select(i => (i.Id, i.Captions[0])).ToList());
            Console.WriteLine($"{"tokenizer",-10} {"BLEU-4",8} {"METEOR",8} {"ROUGE-L",8} {"CIDEr-D",8}");
            foreach (var tokenizer in new[] { PtbTokenizer.Instance, CaptionTokenizers.Default })
            {
                var report = CaptionEvaluator.Evaluate(refs, cands,
                    new EvaluationOptions([new Bleu(), new MeteorCaptionMetric(), new RougeL(), new CiderD()], tokenizer));
                Console.WriteLine($"{tokenizer.Name,-10} {report.Corpus[MetricNames.Bleu4],8:F4} {report.Corpus[MetricNames.Meteor],8:F4} "
                    + $"{report.Corpus[MetricNames.RougeL],8:F4} {report.Corpus[MetricNames.CiderD],8:F4}");
            }
            Console.WriteLine($"METEOR synonyms: {(MeteorCaptionMetric.DefaultWordNetDirectory() is { } wn ? wn : "no WordNet (exact and stem modules only)")}");
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }
}
