using Spotlight.IO;

namespace Spotlight.Captioning;

/// <summary>A PNG of the training loss (per step) and the validation scores (per epoch), side by side.</summary>
public static class TrainingCurves
{
    public static void Write(string path, IReadOnlyList<StepReport> steps, IReadOnlyList<ValidationReport> validations)
    {
        var stepX = steps.Select(s => (double)s.Step).ToArray();
        var epochX = validations.Select(v => (double)v.Epoch).ToArray();
        CurvesPng.Write(path,
            new CurvePanel("Training loss", "step",
            [
                new("loss", stepX, steps.Select(s => s.Loss).ToArray()),
                new("cross-entropy", stepX, steps.Select(s => s.CrossEntropy).ToArray()),
            ]),
            new CurvePanel("Validation (generated captions)", "epoch",
            [
                new("BLEU-4", epochX, validations.Select(v => v.Bleu4).ToArray()),
                new("CIDEr-D", epochX, validations.Select(v => v.CiderD).ToArray()),
            ]));
    }
}
