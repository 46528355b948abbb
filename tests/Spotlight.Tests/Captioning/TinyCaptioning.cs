using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Text;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;

namespace Spotlight.Tests.Captioning;

/// <summary>A tiny synthetic data set (32 px scenes) shared by the captioning tests, made once per test run.</summary>
public sealed class TinyCaptioningData : IDisposable
{
    public TinyCaptioningData()
    {
        Directory = Path.Combine(Path.GetTempPath(), "spotlight-captioning-" + Guid.NewGuid().ToString("N"));
        SyntheticDataset.Generate(new SynthConfig(Train: 64, Val: 8, Test: 8, Size: 32, Seed: 7), Directory);
        Dataset = CaptionDataset.Load(Directory);
    }

    public string Directory { get; }
    public CaptionDataset Dataset { get; }

    public static CaptionerConfig Config(int vocabSize = 5) => CaptionerConfig.Tiny(vocabSize, imageSize: 32);

    /// <summary>A tiny Transformer captioner: 2 decoder layers of width 32, 2 heads, no region encoder.</summary>
    public static CaptionerConfig TransformerConfig(int vocabSize = 5) => Config(vocabSize) with
    {
        Cell = DecoderCellKind.Transformer, Transformer = TransformerCaptionConfig.Tiny,
    };

    public static CaptionTrainingOptions Options => new()
    {
        Epochs = 2, BatchSize = 16, LearningRate = 3e-3, Seed = 11, ValidationBeam = 2, ValidationImages = 8,
    };

    /// <summary>An untrained model whose vocabulary is the training split's: enough to test decoding and files.</summary>
    public CaptionModel RandomModel(long seed = 3, Func<int, CaptionerConfig>? config = null)
    {
        var text = new TextConfig(MaxLength: 20);
        var vocabulary = CaptionEncoding.BuildVocabulary(Dataset.Split("train").Images.SelectMany(i => i.Captions), text);
        // torch has one global generator, and test classes running in parallel reseed and draw from it: a draw of
        // theirs between the seed and the last weight here gives another model (seen once: a server fixture whose
        // eight captions had log-probabilities within 0.005 of each other). Two builds that agree are the seed's.
        Captioner Build()
        {
            torch.manual_seed(seed);
            var built = new Captioner((config ?? (v => Config(v)))(vocabulary.Count));
            built.eval();
            return built;
        }
        for (int attempt = 0; ; attempt++)
        {
            var network = Build();
            using var again = Build();
            bool same = network.parameters().Zip(again.parameters()).All(p => p.First.eq(p.Second).all().item<bool>());
            if (same || attempt == 9) return new CaptionModel(network, vocabulary, new ImagePreprocessing(32));
            network.Dispose();
        }
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>
/// Runs alone, after the parallel collections: training reproducibility (resume equivalence) depends on libtorch's
/// global random generator, which tests running on other threads would otherwise draw from.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TinyCaptioningCollection : ICollectionFixture<TinyCaptioningData>
{
    public const string Name = "tiny captioning data";
}

/// <summary>Collects step losses for assertions.</summary>
public sealed class RecordingObserver : ITrainingObserver
{
    public List<StepReport> Steps { get; } = [];
    public List<ValidationReport> Validations { get; } = [];
    public void OnStep(StepReport report) => Steps.Add(report);
    public void OnValidation(ValidationReport report) => Validations.Add(report);
    public List<string> Messages { get; } = [];
    public void OnMessage(string message) => Messages.Add(message);
}
