using System.Text;
using System.Text.Json;

namespace Spotlight.Metrics;

/// <summary>Machine-readable forms of an <see cref="EvaluationReport"/>: a JSON summary and per-item JSON lines.</summary>
public static class EvaluationOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>{"images": n, "tokenize": "ptb", "scores": {"BLEU-1": ...}, "warnings": [...]}.</summary>
    public static string SummaryJson(EvaluationReport report, ICaptionTokenizer tokenizer) => JsonSerializer.Serialize(new
    {
        images = report.Items.Count,
        tokenize = tokenizer.Name,
        scores = report.MetricNames.ToDictionary(n => n, n => report.Corpus[n]),
        warnings = report.Warnings,
    }, Options);

    /// <summary>One line per item: image_id, the tokenized candidate and references, and every score.</summary>
    public static IEnumerable<string> PerItemLines(EvaluationReport report)
    {
        for (var i = 0; i < report.Items.Count; i++)
        {
            var item = report.Items[i];
            var line = new Dictionary<string, object>
            {
                ["image_id"] = item.Id,
                ["candidate"] = item.Candidate,
                ["references"] = item.References,
            };
            foreach (var name in report.MetricNames) line[name] = report.PerItem[name][i];
            yield return JsonSerializer.Serialize(line);
        }
    }

    /// <summary>Writes the per-item lines to a temporary file beside <paramref name="path"/>, then renames it into place.</summary>
    public static void WritePerItem(string path, EvaluationReport report)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new SpotlightException($"{path}: folder {dir} does not exist");
        var temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllLines(temp, PerItemLines(report), new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Indices of the n items with the lowest score under <paramref name="metric"/>, lowest first.</summary>
    public static IReadOnlyList<int> Worst(EvaluationReport report, string metric, int n) =>
        Enumerable.Range(0, report.Items.Count).OrderBy(i => report.PerItem[metric][i]).ThenBy(i => i).Take(n).ToList();
}
