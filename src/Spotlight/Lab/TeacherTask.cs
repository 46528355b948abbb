using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Lab;

/// <summary>
/// A classification task that a deep network can learn: Gaussian inputs x ∈ ℝ^Inputs labelled by a fixed random
/// teacher network, class = argmax(W₂ tanh(W₁ x)) with its logits centred over the data set so the classes are about
/// equally common. The labels are a deterministic, smooth function of the input, so the loss can reach zero and a
/// held-out set measures what was learned; random labels (the original experiment) can only be memorised, so a flat
/// loss there would not tell a network that cannot pass gradients from one that has nothing to learn.
/// </summary>
public sealed class TeacherTask : IDisposable
{
    public const int Inputs = 16, TeacherHidden = 32, Classes = 4;

    private TeacherTask(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY)
    {
        (TrainX, TrainY, TestX, TestY) = (trainX, trainY, testX, testY);
    }

    public Tensor TrainX { get; }   // (train, Inputs) float32
    public Tensor TrainY { get; }   // (train,) int64 class ids
    public Tensor TestX { get; }
    public Tensor TestY { get; }

    /// <summary>Draws the teacher and the examples from <paramref name="seed"/> alone (CPU, deterministic).</summary>
    public static TeacherTask Create(long seed, int trainExamples = 2048, int testExamples = 1024)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator((ulong)seed);
        var w1 = torch.randn(Inputs, TeacherHidden, generator: generator) / Math.Sqrt(Inputs) * 2;   // gain 2: a clearly nonlinear teacher
        var w2 = torch.randn(TeacherHidden, Classes, generator: generator) / Math.Sqrt(TeacherHidden);
        var x = torch.randn(trainExamples + testExamples, Inputs, generator: generator);
        var logits = torch.tanh(x.matmul(w1)).matmul(w2);                                           // (n, Classes)
        var y = (logits - logits.mean([0], keepdim: true)).argmax(1);
        var task = new TeacherTask(x[..trainExamples], y[..trainExamples], x[trainExamples..], y[trainExamples..]);
        foreach (var t in new[] { task.TrainX, task.TrainY, task.TestX, task.TestY }) t.MoveToOuterDisposeScope();
        return task;
    }

    /// <summary>How often each class occurs in the training labels (a check that the task is not one class).</summary>
    public double[] ClassShares()
    {
        using var scope = torch.NewDisposeScope();
        var counts = torch.bincount(TrainY, minlength: Classes).to(float64);
        return (counts / TrainY.shape[0]).data<double>().ToArray();
    }

    public void Dispose()
    {
        TrainX.Dispose();
        TrainY.Dispose();
        TestX.Dispose();
        TestY.Dispose();
    }
}
