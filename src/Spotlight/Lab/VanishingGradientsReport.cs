using System.Globalization;
using Spotlight.IO;
using Spotlight.Reports;

namespace Spotlight.Lab;

/// <summary>One row of the summary table (terminal and page).</summary>
public sealed record VanishingGradientsRow(string Variant, double InitialRatio, double MeanRatio, double MeanFirstLayerNorm,
    double FinalLoss, double FinalSaturation, double TrainAccuracy, double TestAccuracy);

/// <summary>The experiment's outputs: <c>gradients.png</c> (norm per layer), <c>training.png</c> (loss, first-layer
/// norm and saturation over training), <c>index.html</c> (table, both figures, what it shows) and <c>runs.json</c>.</summary>
public static class VanishingGradientsReport
{
    public const string GradientsPng = "gradients.png", TrainingPng = "training.png", Page = "index.html", Json = "runs.json";

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Name(MlpVariant variant) => variant switch
    {
        MlpVariant.Sigmoid => "sigmoid",
        MlpVariant.Tanh => "tanh",
        MlpVariant.Relu => "relu",
        MlpVariant.ReluBatchNorm => "relu + batch norm",
        MlpVariant.SigmoidResidual => "sigmoid + residual",
        _ => variant.ToString(),
    };

    public static IReadOnlyList<VanishingGradientsRow> Rows(VanishingGradientsResult result) =>
        result.Runs.Select(r => new VanishingGradientsRow(Name(r.Variant), r.InitialRatio, r.MeanRatio, r.MeanFirstLayerNorm,
            r.FinalLoss, r.FinalSaturation, r.TrainAccuracy, r.TestAccuracy)).ToList();

    /// <summary>Writes the four files into <paramref name="directory"/>; returns the page's path.</summary>
    public static string Write(string directory, VanishingGradientsResult result)
    {
        Directory.CreateDirectory(directory);
        var s = result.Settings;
        int layerCount = s.Depth + 1;
        var layerX = Enumerable.Range(1, layerCount).Select(l => (double)l).ToArray();
        CurvesPng.Write(Path.Combine(directory, GradientsPng),
            new CurvePanel("Gradient norm per layer, first step", "layer (1 = first, last = output)",
                result.Runs.Select(r => new CurveSeries(Name(r.Variant), layerX, r.Records[0].GradientNorms)).ToList(), "‖∂L/∂W‖", LogY: true, LegendBelow: true),
            new CurvePanel("Gradient norm per layer, mean over training", "layer (1 = first, last = output)",
                result.Runs.Select(r => new CurveSeries(Name(r.Variant), layerX, r.MeanNormPerLayer())).ToList(), "‖∂L/∂W‖", LogY: true, LegendBelow: true));
        var stepX = Enumerable.Range(1, s.Steps).Select(i => (double)i).ToArray();
        CurvesPng.Write(Path.Combine(directory, TrainingPng),
            new CurvePanel("Training loss (moving mean of 20 steps, log scale)", "step",
                result.Runs.Select(r => new CurveSeries(Name(r.Variant), stepX, MovingMean(r.Loss, 20))).ToList(), "cross-entropy", LogY: true, LegendBelow: true),
            new CurvePanel("First layer's gradient norm", "step",
                result.Runs.Select(r => new CurveSeries(Name(r.Variant), Steps(r), r.Records.Select(x => x.GradientNorms[0]).ToArray())).ToList(), "‖∂L/∂W₁‖", LogY: true, LegendBelow: true),
            new CurvePanel("Saturated units (mean over hidden layers)", "step",
                result.Runs.Select(r => new CurveSeries(Name(r.Variant), Steps(r), r.Records.Select(x => x.SaturatedFractions.Average()).ToArray())).ToList(), "fraction", LegendBelow: true));
        AtomicFile.WriteAllText(Path.Combine(directory, Json), System.Text.Json.JsonSerializer.Serialize(result, JsonOptions));
        return WritePage(Path.Combine(directory, Page), result);
    }

    private static string WritePage(string path, VanishingGradientsResult result)
    {
        var s = result.Settings;
        var page = new HtmlPage("Vanishing gradients")
            .Heading("Vanishing gradients: the same deep network, five ways")
            .Paragraph($"An MLP of {s.Depth} hidden layers × {s.Width} units and a linear output layer, Glorot-uniform weights (the same " +
                $"for every variant, seed {s.Seed}), trained by SGD (learning rate {F(s.LearningRate)}, momentum 0.9, batch {s.BatchSize}) " +
                $"for {s.Steps} steps on the same batches. The task: {TeacherTask.Inputs} Gaussian inputs labelled with one of " +
                $"{TeacherTask.Classes} classes by a fixed random teacher network (class shares " +
                $"{string.Join(", ", result.ClassShares.Select(c => c.ToString("P0", CultureInfo.InvariantCulture)))}), so the labels " +
                "are a function of the input: a network that passes gradients to its early layers can learn it, and the held-out accuracy shows it did.")
            .Table(["variant", "‖∇W₁‖/‖∇W_out‖ at step 1", "same, mean over training", "mean ‖∇W₁‖", "final loss", "saturated units", "train accuracy", "held-out accuracy"],
                Rows(result).Select(r => (IReadOnlyList<string>)[r.Variant, E(r.InitialRatio), E(r.MeanRatio), E(r.MeanFirstLayerNorm),
                    F(r.FinalLoss), P(r.FinalSaturation), P(r.TrainAccuracy), P(r.TestAccuracy)]))
            .Paragraph("Saturated units: for sigmoid and tanh, units whose derivative is below 5% of its maximum; for ReLU, units that are zero " +
                "for every example of the batch (dead). Chance accuracy is about 1/" + TeacherTask.Classes + " (the largest class share).")
            .Figure(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(path)!, GradientsPng)), "Gradient norm of each layer's weights (log scale)")
            .Figure(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(path)!, TrainingPng)), "Loss, first layer's gradient norm and saturation over training")
            .Markup("<ul class=\"notes\">" +
                "<li>Backpropagation multiplies the error signal by each layer's weights and activation derivative. σ′ ≤ 1/4, so with weights " +
                "of gain about 1 every sigmoid layer shrinks it about four-fold or more, and the first layers barely learn.</li>" +
                "<li>tanh′(0) = 1 keeps the signal while units are unsaturated; ReLU passes it unchanged through active units; batch norm " +
                "rescales every layer's input so neither the forward activations nor the backward signal drift in scale.</li>" +
                "<li>A residual block h + σ(Wh) has the Jacobian I + diag(σ′)W: the identity carries the gradient past every sigmoid.</li></ul>")
            .Markup($"<p class=\"meta\">{result.Elapsed.TotalSeconds:F0} s on the CPU; numbers in runs.json.</p>");
        return page.Write(path);
    }

    private static double[] Steps(VariantRun run) => run.Records.Select(r => (double)r.Step).ToArray();

    private static double[] MovingMean(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    public static string E(double value) => value.ToString("0.00e+0", CultureInfo.InvariantCulture);
    public static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    public static string P(double value) => value.ToString("P1", CultureInfo.InvariantCulture);
}
