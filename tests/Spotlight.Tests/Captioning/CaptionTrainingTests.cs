using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Tests.Vision;
using TorchSharp;

namespace Spotlight.Tests.Captioning;

[Collection(TinyCaptioningCollection.Name)]
public class CaptionTrainingTests(TinyCaptioningData data)
{
    [Fact]
    public void Training_on_64_synthetic_images_lowers_the_loss()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        var options = TinyCaptioningData.Options with { Epochs = 6, LearningRate = 1e-2 };
        var result = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options, observer).Train(dir.File("m.spotlight"));

        Assert.Equal(24, observer.Steps.Count);                 // 64 images, one caption each per epoch, batch 16
        double first = observer.Steps.Take(3).Average(s => s.CrossEntropy);
        double last = observer.Steps.TakeLast(3).Average(s => s.CrossEntropy);
        Assert.True(last < first - 0.5, $"cross-entropy went from {first:F3} to {last:F3}");
        Assert.Equal(6, observer.Validations.Count);
        Assert.True(File.Exists(result.BestModelPath) && File.Exists(result.LastModelPath) && File.Exists(result.CheckpointPath));
    }

    [Fact]
    public void Overfitting_eight_images_reproduces_their_captions()
    {
        // One caption per image, so "reproduces" has a single right answer per image.
        var eight = data.Dataset.Split("train").Images.Take(8)
            .Select(i => i with { Captions = [i.Captions[0]] }).ToList();
        var dataset = new CaptionDataset([.. eight, .. eight.Select(i => i with { Split = "val" })], "eight images");
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 120, BatchSize = 8, LearningRate = 1e-2, EarlyStopPatience = 1000, PlateauPatience = 1000 };
        var config = TinyCaptioningData.Config() with { DoublyStochasticLambda = 0f };
        var result = new CaptionTrainer(dataset, config, options).Train(dir.File("m.spotlight"));

        using var model = CaptionModel.Load(result.LastModelPath);
        var captions = model.CaptionFiles(eight.Select(i => i.ImagePath).ToList(), new CaptionOptions(Beam: 1));
        var expected = eight.Select(i => string.Join(' ', Spotlight.Text.CaptionTokenizer.Tokenize(i.Captions[0]))).ToList();
        Assert.Equal(expected, captions.Select(c => c.Caption).ToList());
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        using var straightDir = new TempDirectory();
        using var resumedDir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 2 };
        var config = TinyCaptioningData.Config() with { Dropout = 0.3f };   // dropout: the RNG state must be restored too

        var straight = new CaptionTrainer(data.Dataset, config, options).Train(straightDir.File("m.spotlight"));
        var interrupted = new CaptionTrainer(data.Dataset, config, options with { StopAfterSteps = 6 }).Train(resumedDir.File("m.spotlight"));
        Assert.Equal(6, interrupted.Steps);
        var resumed = new CaptionTrainer(data.Dataset, config, options).Train(resumedDir.File("m.spotlight"), interrupted.CheckpointPath);
        Assert.Equal(straight.Steps, resumed.Steps);

        using var a = CaptionModel.Load(straight.LastModelPath);
        using var b = CaptionModel.Load(resumed.LastModelPath);
        Spotlight.Tests.Checkpoints.WeightsAssert.Same(a.Network.state_dict(), b.Network.state_dict(), 1e-6);
    }

    [Fact]
    public void Resuming_with_a_checkpoint_of_other_data_is_refused_with_the_file_named()
    {
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 1, StopAfterSteps = 1 };
        var first = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("m.spotlight"));
        var other = new CaptionDataset(data.Dataset.Images.Select(i => i with { Captions = ["a zebra"] }).ToList(), "other");
        var e = Assert.Throws<SpotlightException>(() =>
            new CaptionTrainer(other, TinyCaptioningData.Config(), options).Train(dir.File("n.spotlight"), first.CheckpointPath));
        Assert.Contains(first.CheckpointPath, e.Message);
    }
}
