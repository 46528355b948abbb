using Spotlight.IO;
using Spotlight.Training;

namespace Spotlight.Inpainting;

/// <summary>One optimizer step.</summary>
public sealed record InpaintingStepReport(long Step, long TotalSteps, double Loss, double Hole, double Valid, double Pyramid,
    double Adversarial, double ImagesPerSecond, TimeSpan Elapsed) : IStepReport
{
    public TrainingPosition Position => new(0, 0, Step, TotalSteps);
    public string Summary => $"loss {Loss:F4} {ImagesPerSecond:F0} img/s";

    public object LogLine() => new
    {
        type = "step", step = Step, loss = Loss, hole_l1 = Hole, valid_l1 = Valid, pyramid_l1 = Pyramid,
        adversarial = Adversarial, images_per_second = ImagesPerSecond, elapsed_seconds = Elapsed.TotalSeconds,
    };
}

/// <summary>One validation: fixed images and masks, composited output, PSNR and hole MAE×100.</summary>
public sealed record InpaintingValidationReport(long Step, double Psnr, double HoleMae100, bool IsBest, TimeSpan Elapsed) : IValidationReport
{
    public string Summary => $"validation step {Step}: PSNR {Psnr:F2} dB  hole MAE×100 {HoleMae100:F2}";

    public object LogLine() => new
    {
        type = "validation", step = Step, psnr = Psnr, hole_mae_x100 = HoleMae100, best = IsBest,
        elapsed_seconds = Elapsed.TotalSeconds,
    };
}

/// <summary>The shared observer, named for inpainting's reports.</summary>
public interface IInpaintingObserver : ITrainingObserver<InpaintingStepReport, InpaintingValidationReport>;

/// <summary>What a run leaves behind.</summary>
public sealed record InpaintingTrainingResult(string BestModelPath, string LastModelPath, string CheckpointPath, long Steps,
    TimeSpan Elapsed, double BestPsnr, string StopReason);

/// <summary>The shared JSONL log, for inpainting's reports.</summary>
public sealed class InpaintingTrainingLog(string path, bool append)
    : JsonlTrainingLog<InpaintingStepReport, InpaintingValidationReport>(path, append), IInpaintingObserver;

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
