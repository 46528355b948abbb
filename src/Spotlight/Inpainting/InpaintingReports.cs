using Spotlight.IO;
using System.Text.Json;
using ScottPlot;

namespace Spotlight.Inpainting;

/// <summary>One optimizer step.</summary>
public sealed record InpaintingStepReport(long Step, long TotalSteps, double Loss, double Hole, double Valid, double Pyramid,
    double Adversarial, double ImagesPerSecond, TimeSpan Elapsed);

/// <summary>One validation: fixed images and masks, composited output, PSNR and hole MAE×100.</summary>
public sealed record InpaintingValidationReport(long Step, double Psnr, double HoleMae100, bool IsBest, TimeSpan Elapsed);

/// <summary>Hooks for the progress bar and the log; the training loop knows none of them.</summary>
public interface IInpaintingObserver
{
    void OnStep(InpaintingStepReport report) { }
    void OnValidation(InpaintingValidationReport report) { }
    void OnMessage(string message) { }
}

/// <summary>What a run leaves behind.</summary>
public sealed record InpaintingTrainingResult(string BestModelPath, string LastModelPath, string CheckpointPath, long Steps,
    TimeSpan Elapsed, double BestPsnr, string StopReason);

/// <summary>One JSON line per step, validation and message; appends on resume.</summary>
public sealed class InpaintingTrainingLog : IInpaintingObserver, IDisposable
{
    private readonly StreamWriter writer;

    public InpaintingTrainingLog(string path, bool append)
    {
        writer = new StreamWriter(path, append) { AutoFlush = true };
    }

    public List<InpaintingStepReport> Steps { get; } = [];
    public List<InpaintingValidationReport> Validations { get; } = [];

    public void OnStep(InpaintingStepReport r)
    {
        Steps.Add(r);
        writer.WriteLine(JsonSerializer.Serialize(new
        {
            type = "step", step = r.Step, loss = r.Loss, hole_l1 = r.Hole, valid_l1 = r.Valid, pyramid_l1 = r.Pyramid,
            adversarial = r.Adversarial, images_per_second = r.ImagesPerSecond, elapsed_seconds = r.Elapsed.TotalSeconds,
        }));
    }

    public void OnValidation(InpaintingValidationReport r)
    {
        Validations.Add(r);
        writer.WriteLine(JsonSerializer.Serialize(new
        {
            type = "validation", step = r.Step, psnr = r.Psnr, hole_mae_x100 = r.HoleMae100, best = r.IsBest,
            elapsed_seconds = r.Elapsed.TotalSeconds,
        }));
    }

    public void OnMessage(string message) => writer.WriteLine(JsonSerializer.Serialize(new { type = "message", message }));

    public void Dispose() => writer.Dispose();
}

/// <summary>Fans reports out to several observers.</summary>
public sealed class InpaintingObservers(params IInpaintingObserver[] observers) : IInpaintingObserver
{
    public void OnStep(InpaintingStepReport report) { foreach (var o in observers) o.OnStep(report); }
    public void OnValidation(InpaintingValidationReport report) { foreach (var o in observers) o.OnValidation(report); }
    public void OnMessage(string message) { foreach (var o in observers) o.OnMessage(message); }
}

/// <summary>A PNG of the loss parts per step and validation PSNR, side by side.</summary>
public static class InpaintingCurves
{
    public static void Write(string path, IReadOnlyList<InpaintingStepReport> steps, IReadOnlyList<InpaintingValidationReport> validations)
    {
        var x = steps.Select(s => (double)s.Step).ToArray();
        CurvesPng.Write(path,
            new CurvePanel("Training loss", "step",
            [
                new("total", x, steps.Select(s => s.Loss).ToArray()),
                new("hole L1", x, steps.Select(s => s.Hole).ToArray()),
                new("valid L1", x, steps.Select(s => s.Valid).ToArray()),
                new("pyramid L1", x, steps.Select(s => s.Pyramid).ToArray()),
            ]),
            new CurvePanel("Validation PSNR (composited)", "step",
            [
                new("PSNR (dB)", validations.Select(v => (double)v.Step).ToArray(), validations.Select(v => v.Psnr).ToArray()),
            ]));
    }
}
