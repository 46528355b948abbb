using Spotlight.Training;
using Spotlight.Translation;

namespace Spotlight.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void The_learning_rate_warms_up_linearly_then_decays_with_the_inverse_square_root()
    {
        // Moved with the schedule from the translation trainer; the same numbers, through translation's options.
        var options = new TranslationTrainingOptions { LearningRate = 1e-3, WarmupSteps = 100, Schedule = ScheduleKind.InverseSqrt };
        Assert.Equal(1e-5, options.LearningRates.At(1, 1), 12);      // 1e-3 · 1/100
        Assert.Equal(5e-4, options.LearningRates.At(50, 1), 12);     // 1e-3 · 50/100
        Assert.Equal(1e-3, options.LearningRates.At(100, 1), 12);    // the peak
        Assert.Equal(5e-4, options.LearningRates.At(400, 1), 12);    // 1e-3 · √(100/400)
        var plateau = options with { Schedule = ScheduleKind.Plateau };
        Assert.Equal(2.5e-4, plateau.LearningRates.At(400, 0.25), 12);
        Assert.Equal(1e-3, (options with { Schedule = ScheduleKind.Constant }).LearningRates.At(400, 0.25), 12);
    }

    [Fact]
    public void A_cosine_schedule_falls_from_the_peak_to_its_floor_over_the_steps_after_warm_up()
    {
        var cosine = new LearningRateSchedule(1e-3, ScheduleKind.Cosine, WarmupSteps: 10, TotalSteps: 110, MinFactor: 0.1);
        Assert.Equal(5e-4, cosine.At(5), 12);                                // warm-up: 1e-3 · 5/10
        Assert.Equal(1e-3, cosine.At(10), 12);                               // the peak
        Assert.Equal(1e-4 + 0.9e-3 * 0.5, cosine.At(60), 12);                // halfway: floor + (peak − floor)/2
        Assert.Equal(1e-4, cosine.At(110), 12);                              // the floor
        Assert.Equal(1e-4, cosine.At(500), 12);                              // and stays there
    }

    [Fact]
    public void Bad_schedules_are_refused_with_the_reason()
    {
        Assert.Contains("positive", Assert.Throws<SpotlightException>(() => new LearningRateSchedule(0).Validate()).Message);
        Assert.Contains("warm-up", Assert.Throws<SpotlightException>(() => new LearningRateSchedule(1e-3, ScheduleKind.Cosine, 100, 50).Validate()).Message);
    }
}
