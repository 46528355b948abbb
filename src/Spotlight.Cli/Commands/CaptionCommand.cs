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
        var model = new Argument<string>("MODEL") { Description = "a .spotlight captioning model" };
        var inputs = new Argument<string[]>("IMAGE_OR_DIR") { Description = "image files or folders of images", Arity = ArgumentArity.OneOrMore };
        var decoding = new DecodingOptions();
        var json = new Option<bool>("--json") { Description = "one JSON object per line: file, caption, tokens, logprob, attention" };
        var attentionOut = new Option<string?>("--attention-out") { Description = "write per-word heatmap PNGs and an index.html here" };
        var runtime = CommonOptions.EncoderRuntime();
        var command = new Command("caption", "Caption images and show where the model looked for each word.")
        {
            model, inputs, json, attentionOut, runtime,
        };
        decoding.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var options = decoding.Read(parse);
            var files = ExpandInputs(parse.GetValue(inputs)!);
            using var captioner = CaptionModel.Load(parse.GetValue(model)!);
            captioner.Network.EncoderRuntime = CommonOptions.ParseEncoderRuntime(parse.GetValue(runtime)!);
            var results = captioner.CaptionFiles(files, options);
            foreach (var r in results)
            {
                Console.WriteLine(parse.GetValue(json) ? ToJsonLine(r) : $"{r.Source}\t{r.Caption}");
                if (!parse.GetValue(json) && options.Alternatives > 1)
                    foreach (var a in r.Alternatives) Console.WriteLine($"\t{a.Score:F4}\t{a.Caption}");
            }
            if (parse.GetValue(attentionOut) is string dir)
            {
                var index = AttentionReport.Write(dir, results.Select(r => new AttentionReportItem(r.Source, r)).ToList(), "Spotlight captions");
                Console.Error.WriteLine($"attention maps: {index}");
            }
            return 0;
        }));
        return command;
    }

    public static string ToJsonLine(CaptionResult r) => JsonSerializer.Serialize(new
    {
        file = r.Source,
        caption = r.Caption,
        tokens = r.Tokens,
        logprob = r.LogProb,
        score = r.Score,
        finished = r.Finished,
        alternatives = r.Alternatives.Select(a => new { caption = a.Caption, logprob = a.LogProb, score = a.Score }),
        attention = new { grid_height = r.Attention.GridHeight, grid_width = r.Attention.GridWidth, weights = r.Attention.Weights },
    });

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
