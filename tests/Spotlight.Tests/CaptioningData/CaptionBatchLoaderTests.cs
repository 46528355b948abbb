using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;
using Spotlight.Text;
using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Tests.CaptioningData;

/// <summary>A 12-image synthetic set shared by the loader tests (generated once).</summary>
public sealed class SmallSynthetic : IDisposable
{
    private readonly TempDirectory dir = new();

    public SmallSynthetic()
    {
        SyntheticDataset.Generate(new SynthConfig(Train: 12, Val: 0, Test: 0, Size: 32, Seed: 9), dir.Path);
        Data = CaptionDataset.Load(dir.Path);
        Vocabulary = CaptionEncoding.BuildVocabulary(Data.AllCaptions, Text);
    }

    public CaptionDataset Data { get; }
    public Vocabulary Vocabulary { get; }
    public TextConfig Text { get; } = new();
    public ImagePreprocessing Preprocessing { get; } = new(32);

    public CaptionBatchLoader Loader(CaptionLoaderOptions options) =>
        CaptionBatchLoader.Create(Data.Images, Vocabulary, Text, Preprocessing, options);

    public void Dispose() => dir.Dispose();
}

public class CaptionBatchLoaderTests(SmallSynthetic set) : IClassFixture<SmallSynthetic>
{
    private sealed record Snapshot(string[] Ids, long[] Shape, float[] Images, long[] Tokens, long[] TokenShape, long[] Lengths);

    private static List<Snapshot> Collect(IEnumerable<CaptionBatch> batches) => [.. batches.Select(b =>
    {
        using (b)
            return new Snapshot([.. b.ImageIds], b.Images.shape, b.Images.data<float>().ToArray(),
                b.Tokens.data<long>().ToArray(), b.Tokens.shape, b.Lengths.data<long>().ToArray());
    })];

    private static void AssertSame(List<Snapshot> expected, List<Snapshot> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Ids, actual[i].Ids);
            Assert.Equal(expected[i].Tokens, actual[i].Tokens);
            Assert.Equal(expected[i].TokenShape, actual[i].TokenShape);
            Assert.Equal(expected[i].Lengths, actual[i].Lengths);
            Assert.True(expected[i].Images.AsSpan().SequenceEqual(actual[i].Images), $"batch {i} images differ");
        }
    }

    [Fact]
    public void Batches_have_the_documented_shapes_and_padding()
    {
        using var dir = new TempDirectory();
        var png = TestImages.Png(8, 8, 8, 0, TestImages.Scanlines([.. Enumerable.Range(0, 8).Select(_ => new byte[8])]));
        EncodedCaptionImage[] images =
        [
            new("a", dir.Write("a.png", png), [[7]]),
            new("b", dir.Write("b.png", png), [[4, 5, 6]]),
        ];
        var loader = new CaptionBatchLoader(images, new ImagePreprocessing(8), new CaptionLoaderOptions(BatchSize: 2, Shuffle: false));
        var batch = Assert.Single(loader.Epoch(0));
        Assert.Equal(new long[] { 2, 3, 8, 8 }, batch.Images.shape);
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.Equal(ScalarType.Int64, batch.Tokens.dtype);
        // <start>=1 words <end>=2, padded with <pad>=0 to the longest (3 words + 2).
        Assert.Equal(new long[] { 2, 5 }, batch.Tokens.shape);
        Assert.Equal(new long[] { 1, 7, 2, 0, 0, 1, 4, 5, 6, 2 }, batch.Tokens.data<long>().ToArray());
        Assert.Equal(new long[] { 3, 5 }, batch.Lengths.data<long>().ToArray());
        Assert.Equal(["a", "b"], batch.ImageIds);
        batch.Dispose();
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_with_or_without_worker_threads()
    {
        var options = new CaptionLoaderOptions(BatchSize: 7, Seed: 3);
        var threaded = Collect(set.Loader(options with { Prefetch = 4 }).Epoch(2));
        var inline = Collect(set.Loader(options with { Prefetch = 0 }).Epoch(2));
        var again = Collect(set.Loader(options with { Prefetch = 2, CacheBytes = 0 }).Epoch(2));
        AssertSame(threaded, inline);
        AssertSame(threaded, again);
        Assert.Equal(9, threaded.Count);   // 60 captions / 7 → 8 full batches and one of 4
        Assert.Equal(4, threaded[^1].Ids.Length);
    }

    [Fact]
    public void Each_epoch_has_its_own_order_and_another_seed_another_order()
    {
        var loader = set.Loader(new CaptionLoaderOptions(BatchSize: 60, Seed: 3));
        Assert.NotEqual(loader.Plan(0), loader.Plan(1));
        Assert.NotEqual(loader.Plan(0), set.Loader(new CaptionLoaderOptions(BatchSize: 60, Seed: 4)).Plan(0));
        Assert.Equal(loader.Plan(5), set.Loader(new CaptionLoaderOptions(BatchSize: 60, Seed: 3)).Plan(5));
    }

    [Fact]
    public void Every_caption_is_seen_exactly_once_per_epoch()
    {
        var loader = set.Loader(new CaptionLoaderOptions(BatchSize: 8, Seed: 1));
        var seen = loader.Epoch(0).SelectMany(b => { using (b) return b.Samples; }).Select(s => (s.Image, s.Caption)).ToList();
        Assert.Equal(60, seen.Count);
        Assert.Equal(60, seen.Distinct().Count());
        Assert.Equal(60, loader.SamplesPerEpoch);
    }

    [Fact]
    public void One_caption_per_image_visits_each_image_once_and_varies_the_caption()
    {
        var loader = set.Loader(new CaptionLoaderOptions(BatchSize: 5, Seed: 1, Sampling: CaptionSampling.OneCaptionPerImage));
        var epoch0 = loader.Plan(0);
        Assert.Equal(12, epoch0.Select(s => s.Image).Distinct().Count());
        var picks = Enumerable.Range(0, 6).Select(e => loader.Plan(e).OrderBy(s => s.Image).Select(s => s.Caption).ToArray()).ToList();
        Assert.True(picks.Distinct(new SequenceComparer()).Count() > 1, "the chosen captions never change between epochs");
    }

    [Fact]
    public void Resuming_at_a_batch_gives_the_same_batches_as_the_full_epoch()
    {
        var options = new CaptionLoaderOptions(BatchSize: 9, Seed: 7);
        var full = Collect(set.Loader(options).Epoch(3));
        var resumed = Collect(set.Loader(options).Epoch(3, startBatch: 4));
        AssertSame(full.Skip(4).ToList(), resumed);
        Assert.Empty(set.Loader(options).Epoch(3, startBatch: full.Count));
    }

    [Fact]
    public void Batch_images_equal_the_inference_preprocessing_of_the_same_files()
    {
        var loader = set.Loader(new CaptionLoaderOptions(BatchSize: 4, Seed: 2));
        using var batch = loader.Epoch(0).First();
        for (int j = 0; j < batch.Count; j++)
        {
            var path = set.Data.Images.Single(i => i.Id == batch.ImageIds[j]).ImagePath;
            using var inference = ImageTensor.Load(path, set.Preprocessing);
            Assert.Equal(inference.data<float>().ToArray(), batch.Images[j].data<float>().ToArray());
        }
    }

    [Fact]
    public void A_flipped_sample_is_the_mirrored_image_with_left_and_right_swapped()
    {
        var options = new CaptionLoaderOptions(BatchSize: 60, Seed: 5, Shuffle: false);
        using var plain = set.Loader(options).Epoch(0).Single();
        using var flipped = set.Loader(options with { HorizontalFlip = true }).Epoch(0).Single();
        int left = set.Vocabulary.Id("left"), right = set.Vocabulary.Id("right");
        int flips = 0;
        for (int j = 0; j < 60; j++)
        {
            var sample = flipped.Samples[j];
            var expectedImage = sample.Flip ? plain.Images[j].flip(2) : plain.Images[j];
            Assert.Equal(expectedImage.data<float>().ToArray(), flipped.Images[j].data<float>().ToArray());
            var before = plain.Tokens[j].data<long>().ToArray();
            var after = flipped.Tokens[j].data<long>().ToArray();
            var expected = sample.Flip ? before.Select(t => t == left ? right : t == right ? left : t).ToArray() : before;
            Assert.Equal(expected, after);
            if (sample.Flip) flips++;
        }
        Assert.InRange(flips, 15, 45);
        Assert.Contains(plain.Tokens.data<long>().ToArray(), t => t == left || t == right);
    }

    [Fact]
    public void A_missing_image_surfaces_as_a_spotlight_exception_naming_it()
    {
        using var dir = new TempDirectory();
        var images = new[] { new EncodedCaptionImage("x", dir.File("gone.png"), [[4]]) };
        var loader = new CaptionBatchLoader(images, new ImagePreprocessing(8), new CaptionLoaderOptions(BatchSize: 1));
        var e = Assert.Throws<SpotlightException>(() => loader.Epoch(0).ToList());
        Assert.Contains("gone.png", e.Message);
    }

    [Fact]
    public void Stopping_early_then_starting_again_works()
    {
        var loader = set.Loader(new CaptionLoaderOptions(BatchSize: 3, Seed: 1, Prefetch: 8));
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            break;
        }
        Assert.Equal(20, loader.Epoch(0).Count(b => { b.Dispose(); return true; }));
    }

    [Fact]
    public void Drop_last_leaves_out_the_short_batch()
    {
        var loader = set.Loader(new CaptionLoaderOptions(BatchSize: 7, DropLast: true));
        Assert.Equal(8, loader.BatchesPerEpoch);
        Assert.All(Collect(loader.Epoch(0)), b => Assert.Equal(7, b.Ids.Length));
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x!.SequenceEqual(y!);
        public int GetHashCode(int[] obj) => obj.Aggregate(17, (h, v) => h * 31 + v);
    }
}
