using System.CommandLine;
using System.Text.Json;
using Spotlight.Captioning;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight caption MODEL IMAGE_OR_DIR...</c>: captions with per-word attention.</summary>
public static class CaptionCommand
{
    private static readonly HashSet<string> ImageExtensions =
        new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif" };

    public static Command Create()
    {
        var inputs = new Argument<string[]>("[MODEL] IMAGE_OR_DIR") { Description = "image files or folders of images, after an optional captioning model file (default: the pretrained captioner that comes with Spotlight)", Arity = ArgumentArity.OneOrMore };
        var modelOption = new Option<string?>("--model") { Description = "the captioning model file (instead of naming it first)" };
        var decoding = new DecodingOptions();
        var json = new Option<bool>("--json") { Description = "one JSON object per line: file, caption, tokens, logprob, attention" };
        var layerMaps = new Option<bool>("--layer-maps") { Description = "with --json and a Transformer captioner: also each layer's and head's cross-attention map per word (\"layers\": [layer][head][word][region])" };
        var attentionOut = new Option<string?>("--attention-out") { Description = "write per-word heatmap PNGs and an index.html here" };
        var report = new Option<string?>("--report") { Description = "write the HTML page of the photos with each word's attention map here (as eval --report)" };
        var runtime = CommonOptions.EncoderRuntime();
        var decoderRuntime = CommonOptions.DecoderRuntime();
        var command = new Command("caption", "Caption images and show where the model looked for each word.")
        {
            inputs, modelOption, json, layerMaps, attentionOut, report, runtime, decoderRuntime,
        };
        decoding.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var options = decoding.Read(parse);
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
