using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Inpainting;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Translation;
using Spotlight.Tests.Vision;
using Spotlight.Translation;

namespace Spotlight.Tests.Training;

/// <summary>
/// Checkpoints written before the shared training loop (Fixtures/CheckpointsV1, see its README) keep resuming, and
/// end with the weights of an uninterrupted run of today's code.
/// </summary>
[Collection(TinyCaptioningCollection.Name)]
public class OldCheckpointTests(TinyCaptioningData data)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "CheckpointsV1", name);

    private static void AssertSameTensors(string a, string b) => Spotlight.Tests.Checkpoints.WeightsAssert.SameFiles(a, b);

    [Fact]
    public void A_captioning_checkpoint_from_before_the_shared_loop_resumes_to_the_uninterrupted_weights()
    {
        TorchSharp.torch.set_num_threads(1);        // as the fixture was written: other thread counts sum in another order
        using var dir = new TempDirectory();
        var config = TinyCaptioningData.Config() with { Dropout = 0.3f };
        var options = TinyCaptioningData.Options with { Epochs = 2 };
        var straight = new CaptionTrainer(data.Dataset, config, options).Train(dir.File("a.spotlight"));
        var resumed = new CaptionTrainer(data.Dataset, config, options).Train(dir.File("b.spotlight"), Fixture("caption.checkpoint"));
        Assert.Equal(straight.Steps, resumed.Steps);
        AssertSameTensors(straight.LastModelPath, resumed.LastModelPath);
    }

    [Fact]
    public void A_translation_checkpoint_from_before_the_shared_loop_resumes_to_the_uninterrupted_weights()
    {
        TranslationKit.OneThread();
        var subwords = TranslationKit.Letters(6);
        var pairs = TranslationKit.Encode(new SyntheticTask(SyntheticTaskKind.Reverse, 2, 5, Symbols: 6).Generate(200, 2), subwords);
        var config = TranslatorConfig.Tiny(TranslatorArch.Luong) with { Dropout = 0.1 };
        var options = TranslationKit.FastOptions with { Epochs = 2, MaxSentences = 32 };
        using var dir = new TempDirectory();
        var straight = new TranslationTrainer(subwords, config, options).Train(pairs, null, dir.File("a.spotlight"));
        var resumed = new TranslationTrainer(subwords, config, options).Train(pairs, null, dir.File("b.spotlight"), Fixture("translation.checkpoint"));
        Assert.Equal(straight.Steps, resumed.Steps);
        AssertSameTensors(straight.LastModelPath, resumed.LastModelPath);
    }

    [Fact]
    public void An_inpainting_checkpoint_from_before_the_shared_loop_resumes_to_the_uninterrupted_weights()
    {
        TorchSharp.torch.set_num_threads(1);        // as the fixture was written (passed only when a test before it had set this)
        var images = InpaintingImages.Synthetic(8, 16, seed: 2);
        var options = new InpaintingTrainingOptions { Steps = 4, BatchSize = 2, ValidateEvery = 100, CheckpointEvery = 100, ValidationImages = 2 };
        using var dir = new TempDirectory();
        var straight = new InpaintingTrainer(images, images, InpaintingConfig.Tiny(16), options).Train(dir.File("a.spotlight"));
        var resumed = new InpaintingTrainer(images, images, InpaintingConfig.Tiny(16), options).Train(dir.File("b.spotlight"), Fixture("inpainting.checkpoint"));
        Assert.Equal(4, resumed.Steps);
        AssertSameTensors(straight.LastModelPath, resumed.LastModelPath);
    }
}
