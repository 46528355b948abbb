using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Lab;

/// <summary>What <c>spotlight lab vanishing-gradients</c> runs: one deep MLP, five variants, one task, one seed.</summary>
/// <param name="Depth">hidden layers (the output layer comes on top)</param>
/// <param name="Width">units per hidden layer</param>
/// <param name="Steps">SGD steps per variant</param>
/// <param name="Seed">draws the task, the initial weights (the same for every variant) and the batch order</param>
/// <param name="LearningRate">SGD with momentum 0.9; the same for every variant</param>
/// <param name="TrainExamples">examples of the teacher task to train on (test examples are drawn apart)</param>
/// <param name="RecordEvery">record gradient norms and saturation every this many steps (and at the first and last)</param>
public sealed record VanishingGradientsSettings(
    int Depth = 10, int Width = 64, int Steps = 3000, long Seed = 1, int BatchSize = 128, double LearningRate = 0.05,
    int RecordEvery = 10, int TrainExamples = 8192, int TestExamples = 2048, IReadOnlyList<MlpVariant>? Variants = null)
{
    public IReadOnlyList<MlpVariant> VariantsToRun => Variants ?? Enum.GetValues<MlpVariant>();

    public void Validate()
    {
        if (Depth is < 1 or > 100) throw new SpotlightException($"--depth must be between 1 and 100, got {Depth}");
        if (Width is < 1 or > 4096) throw new SpotlightException($"--width must be between 1 and 4096, got {Width}");
        if (Steps < 1) throw new SpotlightException($"--steps must be positive, got {Steps}");
        if (BatchSize < 2) throw new SpotlightException($"batch size must be at least 2 (batch norm needs two examples), got {BatchSize}");
        if (!(LearningRate > 0)) throw new SpotlightException($"learning rate must be positive, got {LearningRate}");
        if (TrainExamples < BatchSize || TestExamples < 1) throw new SpotlightException($"need at least a batch of training examples and one test example");
        if (RecordEvery < 1) throw new SpotlightException($"record interval must be positive, got {RecordEvery}");
    }
}

/// <summary>One measurement during training: the batch loss, ‖∂L/∂W_l‖ per layer (first … output) and, per hidden
/// layer, the fraction of saturated units (<see cref="DeepMlp.SaturatedFraction"/>).</summary>
public sealed record GradientRecord(int Step, double Loss, double[] GradientNorms, double[] SaturatedFractions);

/// <summary>One variant's run: the loss at every step, the records, and accuracy on the training and held-out sets.</summary>
public sealed record VariantRun(MlpVariant Variant, double[] Loss, IReadOnlyList<GradientRecord> Records, double TrainAccuracy, double TestAccuracy)
{
    /// <summary>‖∂L/∂W₁‖ / ‖∂L/∂W_out‖ at the first step (before any learning).</summary>
    public double InitialRatio => Records[0].GradientNorms[0] / Records[0].GradientNorms[^1];

    /// <summary>The same ratio of the norms averaged over every record of the run.</summary>
    public double MeanRatio => Records.Average(r => r.GradientNorms[0]) / Records.Average(r => r.GradientNorms[^1]);

    public double MeanFirstLayerNorm => Records.Average(r => r.GradientNorms[0]);

    /// <summary>Mean loss over the last tenth of the steps (one batch's loss is noisy).</summary>
    public double FinalLoss => Loss.Skip(Loss.Length - Math.Max(1, Loss.Length / 10)).Average();

    /// <summary>Saturated fraction averaged over hidden layers, at the last record.</summary>
    public double FinalSaturation => Records[^1].SaturatedFractions.Average();

    /// <summary>Mean gradient norm of layer l over the run (the per-layer plot).</summary>
    public double[] MeanNormPerLayer() =>
        Enumerable.Range(0, Records[0].GradientNorms.Length).Select(l => Records.Average(r => r.GradientNorms[l])).ToArray();
}

public sealed record VanishingGradientsResult(VanishingGradientsSettings Settings, IReadOnlyList<VariantRun> Runs, double[] ClassShares, TimeSpan Elapsed);

/// <summary>
/// The vanishing-gradient experiment: the same deep MLP with each <see cref="MlpVariant"/>, trained by plain SGD
/// (momentum 0.9, no adaptive step sizes that would rescale a vanishing gradient back up) on the same
/// <see cref="TeacherTask"/> batches from the same initial weights, measuring how much gradient reaches each layer.
/// </summary>
public static class VanishingGradients
{
    public static VanishingGradientsResult Run(VanishingGradientsSettings settings, IProgress<VariantRun>? progress = null)
    {
        settings.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var task = TeacherTask.Create(settings.Seed, settings.TrainExamples, settings.TestExamples);
        var runs = new List<VariantRun>();
        foreach (var variant in settings.VariantsToRun)
        {
            var run = Train(variant, task, settings);
            runs.Add(run);
            progress?.Report(run);
        }
        return new VanishingGradientsResult(settings, runs, task.ClassShares(), clock.Elapsed);
    }

    public static VariantRun Train(MlpVariant variant, TeacherTask task, VanishingGradientsSettings settings)
    {
        torch.manual_seed(settings.Seed);                      // the same initial weights for every variant
        using var model = new DeepMlp(variant, TeacherTask.Inputs, settings.Width, settings.Depth, TeacherTask.Classes);
        using var optimizer = optim.SGD(model.parameters(), settings.LearningRate, momentum: 0.9);
        var batches = new Random((int)settings.Seed);          // the same batches for every variant
        int examples = (int)task.TrainX.shape[0];
        var loss = new double[settings.Steps];
        var records = new List<GradientRecord>();
        model.train();
        for (int step = 0; step < settings.Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var rows = torch.tensor(Enumerable.Range(0, settings.BatchSize).Select(_ => (long)batches.Next(examples)).ToArray());
            bool record = step % settings.RecordEvery == 0 || step == settings.Steps - 1;
            var preActivations = record ? new List<Tensor>() : null;
            var logits = model.Forward(task.TrainX.index_select(0, rows), preActivations);   // (batch, classes)
            var batchLoss = nn.functional.cross_entropy(logits, task.TrainY.index_select(0, rows));
            optimizer.zero_grad();
            batchLoss.backward();
            loss[step] = batchLoss.item<float>();
            if (record)
            {
                var norms = model.Layers.Select(layer => (double)layer.weight!.grad!.norm().item<float>()).ToArray();
                var saturated = preActivations!.Select(model.SaturatedFraction).ToArray();
                records.Add(new GradientRecord(step + 1, loss[step], norms, saturated));
            }
            optimizer.step();
        }
        return new VariantRun(variant, loss, records, Accuracy(model, task.TrainX, task.TrainY), Accuracy(model, task.TestX, task.TestY));
    }

    private static double Accuracy(DeepMlp model, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        var correct = model.forward(x).argmax(1).eq(y).to(float64).mean().item<double>();
        model.train();
        return correct;
    }
}
