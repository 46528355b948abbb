using System.Text.Json.Serialization;

namespace Spotlight.Training;

/// <summary>How the learning rate moves between optimizer steps: see <see cref="LearningRateSchedule"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind { Constant, InverseSqrt, Plateau, Cosine }

/// <summary>
/// The learning rate at an optimizer step (1-based): a linear warm-up to <paramref name="Peak"/> over
/// <paramref name="WarmupSteps"/> steps, then
/// <list type="bullet">
/// <item>Constant: the peak;</item>
/// <item>InverseSqrt: peak · √(W / step) (Vaswani et al. 2017, eq. 3, rescaled so the peak is the given rate);</item>
/// <item>Plateau: the peak times the decay the plateau rule has applied so far (<c>plateauScale</c>; during warm-up too);</item>
/// <item>Cosine: from the peak down to peak · <paramref name="MinFactor"/> along half a cosine over the steps after warm-up
/// up to <paramref name="TotalSteps"/> (Loshchilov and Hutter 2017, without restarts).</item>
/// </list>
/// Plain parameters, so that any task (captioning, translation, …) uses it without depending on another.
/// </summary>
public sealed record LearningRateSchedule(
    double Peak, ScheduleKind Kind = ScheduleKind.Constant, int WarmupSteps = 0, long TotalSteps = 0, double MinFactor = 0)
{
    public double At(long step, double plateauScale = 1)
    {
        double scale = Kind == ScheduleKind.Plateau ? plateauScale : 1;
        if (WarmupSteps > 0 && step < WarmupSteps) return Peak * step / WarmupSteps * scale;
        return Kind switch
        {
            ScheduleKind.InverseSqrt => Peak * Math.Sqrt(Math.Max(WarmupSteps, 1) / (double)Math.Max(step, 1)),
            ScheduleKind.Plateau => Peak * plateauScale,
            ScheduleKind.Cosine => Peak * (MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * CosineProgress(step)))),
            _ => Peak,
        };
    }

    private double CosineProgress(long step)
    {
        long span = Math.Max(TotalSteps - WarmupSteps, 1);
        return Math.Clamp((step - WarmupSteps) / (double)span, 0, 1);
    }

    public void Validate()
    {
        if (!(Peak > 0)) throw new SpotlightException($"--lr must be positive, got {Peak}");
        if (WarmupSteps < 0) throw new SpotlightException($"--warmup must be ≥ 0, got {WarmupSteps}");
        if (Kind == ScheduleKind.Cosine && TotalSteps <= WarmupSteps)
            throw new SpotlightException($"a cosine schedule needs its total steps ({TotalSteps}) above the warm-up ({WarmupSteps})");
        if (MinFactor is < 0 or > 1) throw new SpotlightException($"the cosine floor factor must be in [0, 1], got {MinFactor}");
    }
}
