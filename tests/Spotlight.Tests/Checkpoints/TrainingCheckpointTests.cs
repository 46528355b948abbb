using Spotlight.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Tests.Checkpoints;

/// <summary>These tests seed and read libtorch's global generator, so nothing may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "Global torch RNG";
}

[Collection(GlobalRngCollection.Name)]
public class TrainingCheckpointTests
{
    private static readonly Dictionary<string, Func<IEnumerable<Parameter>, optim.Optimizer>> Optimizers = new()
    {
        ["Adam"] = p => optim.Adam(p, lr: 0.01),
        ["AdamW amsgrad"] = p => optim.AdamW(p, lr: 0.01, weight_decay: 0.1, amsgrad: true),
        ["RMSProp centered momentum"] = p => optim.RMSProp(p, lr: 0.005, momentum: 0.9, centered: true),
        ["SGD momentum"] = p => optim.SGD(p, 0.05, momentum: 0.9),
    };

    public static TheoryData<string, bool> Runs()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Optimizers.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private static Sequential Net(long seed, bool dropout, int hidden = 16)
    {
        torch.manual_seed(seed);  // initialization draws from the global generator
        Module<Tensor, Tensor> middle = dropout ? Dropout(0.3) : Identity();
        return Sequential(("fc1", Linear(4, hidden)), ("act", Tanh()), ("drop", middle), ("fc2", Linear(hidden, 2)));
    }

    /// <summary>Each step's batch comes from (seed, step), as the training loop's own data order must.</summary>
    private static void Train(Module<Tensor, Tensor> model, optim.Optimizer optimizer, int from, int to)
    {
        for (var step = from; step < to; step++)
        {
            using var scope = NewDisposeScope();
            var random = new Random(1000 + step);
            var x = tensor(Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray()).reshape(8, 4);
            var y = tensor(Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble()).ToArray()).reshape(8, 2);
            optimizer.zero_grad();
            functional.mse_loss(model.forward(x), y).backward();
            optimizer.step();
        }
    }

    private static void AssertSameWeights(Module a, Module b)
    {
        var (left, right) = (a.state_dict(), b.state_dict());
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        foreach (var (name, tensor) in left)
            Assert.True(TestFiles.Bytes(tensor).SequenceEqual(TestFiles.Bytes(right[name])), $"'{name}' differs");
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Interrupted_and_resumed_training_ends_with_exactly_the_uninterrupted_weights(string optimizerName, bool dropout)
    {
        var make = Optimizers[optimizerName];
        using var dir = new TempDirectory();
        var path = dir.File("checkpoint.spotlight");

        var straight = Net(seed: 7, dropout);
        Train(straight, make(straight.parameters()), 0, 10);

        var first = Net(seed: 7, dropout);
        var firstOptimizer = make(first.parameters());
        Train(first, firstOptimizer, 0, 5);
        TrainingCheckpoint.Save(path, first, firstOptimizer, new Dictionary<string, string>
        {
            ["progress"] = """{"epoch":0,"step":5,"best":0.25,"patience":1}""",
        });

        // A new process: different initial weights, a fresh optimizer, the generator somewhere else entirely.
        var resumed = Net(seed: 99, dropout);
        var resumedOptimizer = make(resumed.parameters());
        torch.manual_seed(12345);
        var blobs = TrainingCheckpoint.Load(path, resumed, resumedOptimizer);
        Train(resumed, resumedOptimizer, 5, 10);

        Assert.Equal("""{"epoch":0,"step":5,"best":0.25,"patience":1}""", blobs["progress"]);
        Assert.False(blobs.ContainsKey(TrainingCheckpoint.OptimizerBlob));
        AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void Resuming_without_the_optimizer_state_or_the_generator_state_gives_different_weights()
    {
        // The control for the test above: it would fail if the checkpoint dropped either piece.
        var straight = Net(seed: 7, dropout: true);
        Train(straight, optim.Adam(straight.parameters(), lr: 0.01), 0, 10);

        using var dir = new TempDirectory();
        var path = dir.File("c.spotlight");
        var first = Net(seed: 7, dropout: true);
        var firstOptimizer = optim.Adam(first.parameters(), lr: 0.01);
        Train(first, firstOptimizer, 0, 5);
        TrainingCheckpoint.Save(path, first, firstOptimizer, new Dictionary<string, string>());

        var freshOptimizer = Net(seed: 7, dropout: true);
        var ignored = optim.Adam(freshOptimizer.parameters(), lr: 0.01);
        TrainingCheckpoint.Load(path, freshOptimizer, ignored);
        var restart = optim.Adam(freshOptimizer.parameters(), lr: 0.01);  // state thrown away
        Train(freshOptimizer, restart, 5, 10);

        var reseeded = Net(seed: 7, dropout: true);
        var reseededOptimizer = optim.Adam(reseeded.parameters(), lr: 0.01);
        TrainingCheckpoint.Load(path, reseeded, reseededOptimizer);
        torch.manual_seed(5);  // generator state thrown away
        Train(reseeded, reseededOptimizer, 5, 10);

        Assert.Throws<Xunit.Sdk.TrueException>(() => AssertSameWeights(straight, freshOptimizer));
        Assert.Throws<Xunit.Sdk.TrueException>(() => AssertSameWeights(straight, reseeded));
    }

    [Fact]
    public void The_learning_rate_a_scheduler_reached_and_the_step_count_are_restored()
    {
        using var dir = new TempDirectory();
        var path = dir.File("lr.spotlight");
        var model = Net(seed: 1, dropout: false);
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        Train(model, optimizer, 0, 3);
        optimizer.ParamGroups.First().LearningRate = 0.0025;  // as a step scheduler would have set it
        TrainingCheckpoint.Save(path, model, optimizer, new Dictionary<string, string>());

        var fresh = Net(seed: 2, dropout: false);
        var freshOptimizer = optim.Adam(fresh.parameters(), lr: 0.01);
        TrainingCheckpoint.Load(path, fresh, freshOptimizer);

        Assert.Equal(0.0025, freshOptimizer.ParamGroups.First().LearningRate);
        Assert.Equal(0.01, freshOptimizer.ParamGroups.First().InitialLearningRate);
        var state = (Adam.State)((OptimizerHelper)freshOptimizer).state_dict().State[0];
        Assert.Equal(3L, state.step);
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_is_refused_before_anything_changes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.spotlight");
        var model = Net(seed: 1, dropout: false);
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        Train(model, optimizer, 0, 2);
        TrainingCheckpoint.Save(path, model, optimizer, new Dictionary<string, string>());

        var wider = Net(seed: 2, dropout: false, hidden: 32);
        var before = TestFiles.Bytes(wider.state_dict()["fc1.weight"]);
        var misfit = Assert.Throws<SpotlightException>(() =>
            TrainingCheckpoint.Load(path, wider, optim.Adam(wider.parameters(), lr: 0.01)));
        Assert.StartsWith($"{path}: does not fit this model: ", misfit.Message);
        Assert.Equal(before, TestFiles.Bytes(wider.state_dict()["fc1.weight"]));

        var same = Net(seed: 2, dropout: false);
        var wrongOptimizer = Assert.Throws<SpotlightException>(() =>
            TrainingCheckpoint.Load(path, same, optim.RMSProp(same.parameters())));
        Assert.Equal($"{path}: holds Adam optimizer state but the optimizer is RMSProp", wrongOptimizer.Message);

        var modelFile = dir.File("m.spotlight");
        ModelFile.Save(modelFile, "captioner", same, new Dictionary<string, string> { ["config"] = "{}" });
        var notCheckpoint = Assert.Throws<SpotlightException>(() =>
            TrainingCheckpoint.Load(modelFile, same, optim.Adam(same.parameters())));
        Assert.Equal($"{modelFile}: holds a 'captioner', not a 'training-checkpoint'", notCheckpoint.Message);

        Assert.Throws<ArgumentException>(() => TrainingCheckpoint.Save(path, same, optim.Adam(same.parameters()),
            new Dictionary<string, string> { ["optimizer"] = "{}" }));
    }
}
