using ScottPlot;

namespace Spotlight.IO;

/// <summary>One line of a plot: a name for the legend and its points.</summary>
public sealed record CurveSeries(string Name, double[] X, double[] Y);

/// <summary>One panel: a title, the x-axis label and its lines; <paramref name="LogY"/> draws y on a log₁₀ scale
/// (values ≤ 0 are left out), for quantities that span orders of magnitude such as gradient norms; <paramref name="LegendBelow"/>
/// puts the legend under the panel instead of over the lines (for panels with many lines).</summary>
public sealed record CurvePanel(string Title, string XLabel, IReadOnlyList<CurveSeries> Series, string? YLabel = null, bool LogY = false,
    bool LegendBelow = false);

/// <summary>A labelled point of a scatter plot (e.g. a word at its 2-D projection).</summary>
public sealed record LabelledPoint(string Label, double X, double Y);

/// <summary>Training curves as one PNG of panels side by side (ScottPlot), written atomically.</summary>
public static class CurvesPng
{
    public static void Write(string path, params CurvePanel[] panels)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (int i = 0; i < panels.Length; i++)
        {
            var plot = multiplot.GetPlot(i);
            var panel = panels[i];
            foreach (var series in panel.Series.Where(s => s.X.Length > 0))
            {
                var (x, y) = panel.LogY ? Log10(series) : (series.X, series.Y);
                if (x.Length > 0) plot.Add.ScatterLine(x, y).LegendText = series.Name;
            }
            plot.Title(panel.Title);
            plot.XLabel(panel.XLabel);
            if (panel.YLabel is not null) plot.YLabel(panel.YLabel);
            if (panel.LogY)
            {
                // Ticks at whole powers of ten, labelled as 10^k, with log-spaced minor ticks between them.
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
                {
                    MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                    IntegerTicksOnly = true,
                    LabelFormatter = y => $"1e{y:0}",
                };
            }
            if (panel.LegendBelow) plot.ShowLegend(Edge.Bottom);
            else plot.ShowLegend();
        }
        int height = panels.Any(p => p.LegendBelow) ? 480 : 400;
        using var image = multiplot.Render(500 * panels.Length, height);
        AtomicFile.WriteAllBytes(path, image.GetImageBytes(ImageFormat.Png), flushToDisk: false);
    }

    /// <summary>A scatter plot of labelled points (one marker and its label each), written atomically.</summary>
    public static void WritePoints(string path, string title, string xLabel, string yLabel, IReadOnlyList<LabelledPoint> points,
        int width = 800, int height = 640)
    {
        var plot = new Plot();
        if (points.Count > 0)
        {
            var markers = plot.Add.ScatterPoints(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            markers.MarkerSize = 6;
            foreach (var point in points)
            {
                var text = plot.Add.Text(point.Label, point.X, point.Y);
                text.LabelFontSize = 13;
                text.LabelOffsetX = 5;
                text.LabelOffsetY = -5;
            }
            // Room on the right for the labels of the outermost points (a label starts at its point).
            double xMin = points.Min(p => p.X), xMax = points.Max(p => p.X), yMin = points.Min(p => p.Y), yMax = points.Max(p => p.Y);
            double xSpan = Math.Max(xMax - xMin, 1e-9), ySpan = Math.Max(yMax - yMin, 1e-9);
            plot.Axes.SetLimits(xMin - 0.05 * xSpan, xMax + 0.18 * xSpan, yMin - 0.06 * ySpan, yMax + 0.08 * ySpan);
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png), flushToDisk: false);
    }

    private static (double[] X, double[] Y) Log10(CurveSeries series)
    {
        var keep = Enumerable.Range(0, series.X.Length).Where(i => series.Y[i] > 0 && double.IsFinite(series.Y[i])).ToArray();
        return (keep.Select(i => series.X[i]).ToArray(), keep.Select(i => Math.Log10(series.Y[i])).ToArray());
    }
}
