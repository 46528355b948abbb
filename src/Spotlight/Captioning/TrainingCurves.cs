using ScottPlot;

namespace Spotlight.Captioning;

/// <summary>A PNG of the training loss (per step) and the validation scores (per epoch), side by side.</summary>
public static class TrainingCurves
{
    public static void Write(string path, IReadOnlyList<StepReport> steps, IReadOnlyList<ValidationReport> validations)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();

        var loss = multiplot.GetPlot(0);
        if (steps.Count > 0)
        {
            var xs = steps.Select(s => (double)s.Step).ToArray();
            var total = loss.Add.ScatterLine(xs, steps.Select(s => s.Loss).ToArray());
            total.LegendText = "loss";
            var ce = loss.Add.ScatterLine(xs, steps.Select(s => s.CrossEntropy).ToArray());
            ce.LegendText = "cross-entropy";
        }
        loss.Title("Training loss");
        loss.XLabel("step");
        loss.ShowLegend();

        var scores = multiplot.GetPlot(1);
        if (validations.Count > 0)
        {
            var xs = validations.Select(v => (double)v.Epoch).ToArray();
            var bleu = scores.Add.ScatterLine(xs, validations.Select(v => v.Bleu4).ToArray());
            bleu.LegendText = "BLEU-4";
            var cider = scores.Add.ScatterLine(xs, validations.Select(v => v.CiderD).ToArray());
            cider.LegendText = "CIDEr-D";
        }
        scores.Title("Validation (generated captions)");
        scores.XLabel("epoch");
        scores.ShowLegend();

        var temp = path + ".tmp.png";
        multiplot.SavePng(temp, 1000, 400);
        File.Move(temp, path, overwrite: true);
    }
}
