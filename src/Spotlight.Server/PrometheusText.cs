using System.Globalization;
using System.Text;

namespace Spotlight.Server;

/// <summary>
/// Writes Prometheus's text exposition format 0.0.4: a <c># HELP</c> and a <c># TYPE</c> line per metric family,
/// then one <c>name{label="value"} number</c> line per series; histograms as <c>_bucket{le=…}</c>, <c>_sum</c>,
/// <c>_count</c>.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder text = new();

    public void Family(string name, string type, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0) text.Append(',');
                text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            text.Append('}');
        }
        text.Append(' ').Append(Number(value)).Append('\n');
    }

    public void Histogram(string name, Histogram histogram, params (string Name, string Value)[] labels)
    {
        var (cumulative, sum, count) = histogram.Snapshot();
        for (int i = 0; i < cumulative.Length; i++)
        {
            var le = i < histogram.UpperBounds.Count ? Number(histogram.UpperBounds[i]) : "+Inf";
            Sample(name + "_bucket", cumulative[i], [.. labels, ("le", le)]);
        }
        Sample(name + "_sum", sum, labels);
        Sample(name + "_count", count, labels);
    }

    public override string ToString() => text.ToString();

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
