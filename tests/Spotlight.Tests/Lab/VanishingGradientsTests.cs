using Spotlight.Lab;
using Spotlight.Tests.Checkpoints;

namespace Spotlight.Tests.Lab;

public class VanishingGradientsTests
{
    private static readonly VanishingGradientsSettings Small = new(Depth: 6, Width: 32, Steps: 4, Seed: 3, BatchSize: 64,
        RecordEvery: 1, TrainExamples: 256, TestExamples: 64);

    /// <summary>
    /// Backpropagation multiplies the error signal by Wᵀ·diag(f′(z)) once per layer. With Glorot weights (gain about 1)
    /// and σ′ ≤ 1/4, the five sigmoid layers between the first and the output shrink it by at least (1/4)^5 ≈ 1e-3, and
    /// in practice more (σ′ ≈ 0.2 away from z = 0); batch norm rescales every layer's input, so ReLU + BN keeps the first
    /// layer's gradient within a small factor of the output layer's. Threshold: sigmoid's first-to-last ratio is below
    /// 1/100 of ReLU + BN's (measured here: 1.1e-3 against 3.0, i.e. 4e-4 of it), and its first-layer norm itself is below
    /// 1/100 of ReLU + BN's (measured: 1.6e-4 against 1.4).
    /// </summary>
    [Fact]
    public void Sigmoids_first_layer_gradient_is_orders_of_magnitude_below_relu_with_batch_norm()
    {
        var result = VanishingGradients.Run(Small with { Variants = [MlpVariant.Sigmoid, MlpVariant.ReluBatchNorm] });
        var (sigmoid, batchNorm) = (result.Runs[0], result.Runs[1]);
        Assert.True(sigmoid.InitialRatio < 1e-2 * batchNorm.InitialRatio, $"sigmoid {sigmoid.InitialRatio:e2}, relu+bn {batchNorm.InitialRatio:e2}");
        Assert.True(sigmoid.MeanFirstLayerNorm < 1e-2 * batchNorm.MeanFirstLayerNorm,
            $"sigmoid {sigmoid.MeanFirstLayerNorm:e2}, relu+bn {batchNorm.MeanFirstLayerNorm:e2}");
    }

    [Fact]
    public void A_residual_path_carries_the_gradient_past_the_sigmoids()
    {
        var result = VanishingGradients.Run(Small with { Variants = [MlpVariant.Sigmoid, MlpVariant.SigmoidResidual] });
        // Measured: 4e-2 with the residual path, 1e-3 without (depth 6); ten-fold leaves room for other seeds.
        Assert.True(result.Runs[1].InitialRatio > 10 * result.Runs[0].InitialRatio, $"{result.Runs[1].InitialRatio:e2} vs {result.Runs[0].InitialRatio:e2}");
    }

    [Fact]
    public void Every_layer_and_step_is_recorded_and_the_same_seed_gives_the_same_numbers()
    {
        var settings = Small with { Variants = [MlpVariant.Tanh] };
        var first = VanishingGradients.Run(settings).Runs[0];
        var second = VanishingGradients.Run(settings).Runs[0];
        Assert.Equal(settings.Steps, first.Records.Count);
        Assert.All(first.Records, r => Assert.Equal(settings.Depth + 1, r.GradientNorms.Length));
        Assert.All(first.Records, r => Assert.Equal(settings.Depth, r.SaturatedFractions.Length));
        Assert.Equal(first.Loss, second.Loss);
        Assert.Equal(first.Records[^1].GradientNorms, second.Records[^1].GradientNorms);
    }

    [Fact]
    public void The_teacher_task_uses_every_class()
    {
        using var task = TeacherTask.Create(seed: 1, trainExamples: 2048, testExamples: 16);
        Assert.All(task.ClassShares(), share => Assert.InRange(share, 0.1, 0.5));
    }

    [Fact]
    public void The_plots_and_the_report_are_written()
    {
        using var dir = new TempDirectory();
        var result = VanishingGradients.Run(Small with { Depth = 3, Steps = 3 });
        var page = VanishingGradientsReport.Write(dir.Path, result);
        foreach (var png in new[] { VanishingGradientsReport.GradientsPng, VanishingGradientsReport.TrainingPng })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(dir.Path, png))[..4]);
        var html = File.ReadAllText(page);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        foreach (var variant in Enum.GetValues<MlpVariant>()) Assert.Contains($"<td class=\"l\">{Spotlight.Reports.HtmlPage.Escape(VanishingGradientsReport.Name(variant))}</td>", html);
        Assert.True(File.Exists(Path.Combine(dir.Path, VanishingGradientsReport.Json)));
    }
}
