using ScottPlot;

namespace Spotlight.IO;

/// <summary>One line of a plot: a name for the legend and its points.</summary>
public sealed record CurveSeries(string Name, double[] X, double[] Y);

/// <summary>One panel: a title, the x-axis label and its lines.</summary>
public sealed record CurvePanel(string Title, string XLabel, IReadOnlyList<CurveSeries> Series);

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
            foreach (var series in panels[i].Series.Where(s => s.X.Length > 0))
                plot.Add.ScatterLine(series.X, series.Y).LegendText = series.Name;
            plot.Title(panels[i].Title);
            plot.XLabel(panels[i].XLabel);
            plot.ShowLegend();
        }
        var temp = path + ".tmp.png";
        multiplot.SavePng(temp, 500 * panels.Length, 400);
        File.Move(temp, path, overwrite: true);
    }
}
