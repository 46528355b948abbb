using System.CommandLine;
using System.Text.Json;
using Spotlight.Captioning;
using Spotlight.Captioning.Batch;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight caption MODEL IMAGE_OR_DIR...</c>: captions with per-word attention.</summary>
public static class CaptionCommand
{
    private static readonly HashSet<string> ImageExtensions =
        new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif" };

    public static Command Create()
    {
        var inputs = new Argument<string[]>("[MODEL] IMAGE_OR_DIR") { Description = "image files or folders of images, after an optional captioning model file (default: the pretrained captioner that comes with Spotlight)", Arity = ArgumentArity.ZeroOrMore };
        var modelOption = new Option<string?>("--model") { Description = "the captioning model file (instead of naming it first)" };
        var decoding = new DecodingOptions();
        var json = new Option<bool>("--json") { Description = "one JSON object per line: file, caption, tokens, logprob, attention" };
        var layerMaps = new Option<bool>("--layer-maps") { Description = "with --json and a Transformer captioner: also each layer's and head's cross-attention map per word (\"layers\": [layer][head][word][region])" };
        var attentionOut = new Option<string?>("--attention-out") { Description = "write per-word heatmap PNGs and an index.html here" };
        var report = new Option<string?>("--report") { Description = "write the HTML page of the photos with each word's attention map here (as eval --report)" };
        var manifest = new Option<string?>("--manifest") { Description = "batch job: caption the images this file lists (one path per line) or this folder holds (recursively) into --results" };
        var shard = new Option<string?>("--shard") { Description = "with --manifest: only shard K of N (K from 0, e.g. 2/8); every image is in exactly one shard" };
        var resultsFile = new Option<string?>("--results") { Description = "with --manifest: JSON Lines file the captions are appended to; a restarted job skips what it holds" };
        var batchSize = new Option<int>("--batch-size") { Description = "images captioned together in one batched search", DefaultValueFactory = _ => 32 };
        var runtime = CommonOptions.EncoderRuntime();
        var decoderRuntime = CommonOptions.DecoderRuntime();
        var threads = CommonOptions.Threads();
        var command = new Command("caption", "Caption images and show where the model looked for each word.")
        {
            inputs, modelOption, json, layerMaps, attentionOut, report, manifest, shard, resultsFile, batchSize, runtime, decoderRuntime, threads,
        };
        decoding.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var options = decoding.Read(parse) with { BatchSize = parse.GetValue(batchSize) };
            if (parse.GetValue(manifest) is { } manifestPath)
            {
                if (new Option[] { json, layerMaps, attentionOut, report }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } extra)
                    throw new SpotlightException($"{extra.Name} does not apply to a batch job (--manifest): its captions go to --results as JSON lines");
                return RunBatch(parse.GetValue(modelOption), parse.GetValue(inputs)!, manifestPath, parse.GetValue(shard), parse.GetValue(resultsFile),
                    options, parse.GetValue(runtime)!, parse.GetValue(decoderRuntime)!);
            }
            if (parse.GetValue(shard) is not null || parse.GetValue(resultsFile) is not null)
                throw new SpotlightException("--shard and --results belong to a batch job: give --manifest FILE_OR_FOLDER too");
            if (parse.GetValue(inputs)!.Length == 0) throw new SpotlightException("give the images to caption (files or folders), or --manifest FILE");
            var (modelPath, imageArgs) = SplitModel(parse.GetValue(modelOption), parse.GetValue(inputs)!);
            var files = ExpandInputs(imageArgs);
            using var captioner = modelPath is null ? CaptionModel.LoadPretrained() : CaptionModel.Load(modelPath);
            captioner.Network.EncoderRuntime = CommonOptions.ParseEncoderRuntime(parse.GetValue(runtime)!);
            captioner.Network.DecoderRuntime = CommonOptions.ParseEncoderRuntime(parse.GetValue(decoderRuntime)!);
            var results = captioner.CaptionFiles(files, options);
            foreach (var r in results)
            {
                Console.WriteLine(parse.GetValue(json)
                    ? ToJsonLine(r, parse.GetValue(layerMaps) ? captioner.LayerMaps(r.Source, r) : null)
                    : $"{r.Source}\t{r.Caption}");
                if (!parse.GetValue(json) && options.Alternatives > 1)
                    foreach (var a in r.Alternatives) Console.WriteLine($"\t{a.Score:F4}\t{a.Caption}");
            }
            foreach (var dir in new[] { parse.GetValue(attentionOut), parse.GetValue(report) }.OfType<string>().Distinct())
            {
                var index = AttentionReport.Write(dir, results.Select(r => new AttentionReportItem(r.Source, r)).ToList(),
                    $"Spotlight captions ({Path.GetFileName(modelPath ?? CaptionModel.PretrainedPath)})");
                Console.Error.WriteLine($"attention maps: {index}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary><c>caption [MODEL] --manifest FILE [--shard K/N] --results OUT.jsonl</c>: progress and the summary on stderr.</summary>
    private static int RunBatch(string? modelOption, string[] arguments, string manifestPath, string? shardText, string? resultsPath,
        CaptionOptions options, string encoderRuntime, string decoderRuntime)
    {
        if (resultsPath is null) throw new SpotlightException("--manifest needs --results OUT.jsonl (where the captions go)");
        var shard = shardText is null ? ShardSpec.Whole : ShardSpec.Parse(shardText);
        string? modelPath = modelOption;
        if (arguments.Length > 1 || (arguments.Length == 1 && modelOption is not null) || (arguments.Length == 1 && !CaptionModel.IsModelFile(arguments[0])))
            throw new SpotlightException($"{arguments[^1]}: with --manifest the images come from the manifest; give at most the model file");
        if (arguments.Length == 1) modelPath = arguments[0];
        using var captioner = modelPath is null ? CaptionModel.LoadPretrained() : CaptionModel.Load(modelPath);
        captioner.Network.EncoderRuntime = CommonOptions.ParseEncoderRuntime(encoderRuntime);
        captioner.Network.DecoderRuntime = CommonOptions.ParseEncoderRuntime(decoderRuntime);
        var lastReport = TimeSpan.Zero;
        var summary = BatchCaptioning.Run(captioner, new BatchCaptionOptions(manifestPath, resultsPath, shard, options), p =>
        {
            // A line every few seconds: enough for a log, not a flood for a million photos.
            if (p.Remaining > 0 && p.Elapsed - lastReport < TimeSpan.FromSeconds(5)) return;
            lastReport = p.Elapsed;
            Console.Error.WriteLine($"shard {p.Shard}: {p.Skipped + p.Done + p.Failed}/{p.Total} ({p.Done} captioned, {p.Skipped} skipped, {p.Failed} failed), {p.ImagesPerSecond:F1} images/s");
        });
        if (summary.TornBytes > 0)
            Console.Error.WriteLine($"notice: {resultsPath}: cut off a torn last line ({summary.TornBytes} bytes) left by an interrupted run; its image was captioned again");
        if (summary.Unlisted > 0)
            Console.Error.WriteLine($"notice: {resultsPath}: {summary.Unlisted} recorded image(s) are no longer in {manifestPath}; kept, not captioned again");
        Console.Error.WriteLine($"shard {summary.Shard}: {summary.Total} images: {summary.Done} captioned, {summary.Skipped} skipped (already done), {summary.Failed.Count} failed, {summary.Elapsed.TotalSeconds:F1} s");
        foreach (var f in summary.Failed) Console.Error.WriteLine($"failed: {f.Path}: {f.Error}");
        return 0;
    }

    public static string ToJsonLine(CaptionResult r, float[][][][]? layers = null) => JsonSerializer.Serialize(new
    {
        file = r.Source,
        caption = r.Caption,
        tokens = r.Tokens,
        logprob = r.LogProb,
        score = r.Score,
        finished = r.Finished,
        alternatives = r.Alternatives.Select(a => new { caption = a.Caption, logprob = a.LogProb, score = a.Score }),
        attention = new { grid_height = r.Attention.GridHeight, grid_width = r.Attention.GridWidth, weights = r.Attention.Weights },
        layers,
    }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    /// <summary>
    /// The model and the images: <c>--model</c> when given; otherwise the first argument when it is a Spotlight model
    /// file (its extension or header says so), as command lines before the pretrained model had it; otherwise none
    /// (the pretrained captioner) and every argument is an image.
    /// </summary>
    public static (string? Model, IReadOnlyList<string> Images) SplitModel(string? model, IReadOnlyList<string> arguments)
    {
        if (model is not null) return (model, arguments);
        var first = arguments[0];
        if (first.EndsWith(Spotlight.Checkpoints.ModelFile.Extension, StringComparison.OrdinalIgnoreCase) || CaptionModel.IsModelFile(first))
        {
            if (arguments.Count == 1) throw new SpotlightException($"{first}: a model file; give the images to caption after it");
            return (first, arguments.Skip(1).ToList());
        }
        return (null, arguments);
    }

    /// <summary>Files as given; folders expanded to their images (sorted, not recursive).</summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var images = Directory.EnumerateFiles(input).Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
                if (images.Count == 0) throw new SpotlightException($"{input}: folder has no images (.jpg .jpeg .png .webp .bmp .gif)");
                files.AddRange(images);
            }
            else if (File.Exists(input)) files.Add(input);
            else throw new SpotlightException($"{input}: no such file or folder");
        }
        return files;
    }
}
