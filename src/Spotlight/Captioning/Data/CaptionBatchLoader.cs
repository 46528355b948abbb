using System.Collections.Concurrent;
using Spotlight.Text;
using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Captioning.Data;

/// <summary>
/// Turns captioned images into batches for training. The epoch's sample order is fixed up front
/// (<see cref="Plan"/>); up to <see cref="CaptionLoaderOptions.Prefetch"/> batches are then prepared ahead on
/// thread-pool workers (decode, resize, normalise, pad, all into plain arrays) and handed over strictly in order,
/// so the batches are identical whatever the thread timing. Tensors are made on the consumer's thread, at the
/// moment it asks for the batch. An epoch can start at any batch, for resuming a run.
/// </summary>
public sealed class CaptionBatchLoader
{
    private readonly IReadOnlyList<EncodedCaptionImage> images;
    private readonly ImagePreprocessing preprocessing;
    private readonly CaptionLoaderOptions options;
    private readonly IReadOnlyDictionary<int, int> flipSwaps;
    private readonly ImageLimits limits;
    private readonly int[] captionCounts;
    private readonly RgbImage?[] cache;
    private long cachedBytes;
    // Full-batch pixel buffers are large-object-heap sized (1.5 MB at 32×3×64×64); reusing them keeps the
    // collector out of the training loop. Only exact-length arrays come back.
    private readonly ConcurrentBag<float[]> pixelBuffers = [];

    /// <param name="images">Images with captions already encoded as word ids.</param>
    /// <param name="preprocessing">Resize, crop and normalisation, the same as at inference.</param>
    /// <param name="options">Batch size, seed, sampling, prefetch, flip and cache.</param>
    /// <param name="flipSwaps">Word-id swaps applied to flipped samples' captions (see
    /// <see cref="CaptionAugment.FlipSwaps"/>); needed only with HorizontalFlip.</param>
    /// <param name="limits">Ceilings on image files; <see cref="ImageLimits.Default"/> when null.</param>
    public CaptionBatchLoader(IReadOnlyList<EncodedCaptionImage> images, ImagePreprocessing preprocessing,
        CaptionLoaderOptions options, IReadOnlyDictionary<int, int>? flipSwaps = null, ImageLimits? limits = null)
    {
        options.Validate();
        preprocessing.Validate();
        if (images.Count == 0) throw new SpotlightException("the batch loader was given no images");
        var captionless = images.FirstOrDefault(i => i.Captions.Count == 0);
        if (captionless is not null) throw new SpotlightException($"{captionless.ImagePath}: image {captionless.Id} has no captions to train on");
        if (options.HorizontalFlip && flipSwaps is null)
            throw new SpotlightException("horizontal flip needs the left/right word swaps (CaptionAugment.FlipSwaps)");
        this.images = images;
        this.preprocessing = preprocessing;
        this.options = options;
        this.flipSwaps = flipSwaps ?? new Dictionary<int, int>();
        this.limits = limits ?? ImageLimits.Default;
        captionCounts = [.. images.Select(i => i.Captions.Count)];
        cache = new RgbImage?[images.Count];
        SamplesPerEpoch = options.Sampling == CaptionSampling.EveryCaption ? captionCounts.Sum() : images.Count;
        BatchesPerEpoch = options.DropLast ? SamplesPerEpoch / options.BatchSize : (SamplesPerEpoch + options.BatchSize - 1) / options.BatchSize;
    }

    /// <summary>Tokenizes and encodes the captions (truncated to <see cref="TextConfig.MaxLength"/>) and builds a loader.</summary>
    public static CaptionBatchLoader Create(IEnumerable<CaptionImage> images, Vocabulary vocabulary, TextConfig text,
        ImagePreprocessing preprocessing, CaptionLoaderOptions options, ImageLimits? limits = null)
    {
        text.Validate();
        var encoded = images.Select(i => new EncodedCaptionImage(i.Id, i.ImagePath,
            [.. i.Captions.Select(c => CaptionEncoding.Encode(c, vocabulary, text))])).ToArray();
        return new CaptionBatchLoader(encoded, preprocessing, options, CaptionAugment.FlipSwaps(vocabulary), limits);
    }

    public int SamplesPerEpoch { get; }
    public int BatchesPerEpoch { get; }
    public IReadOnlyList<EncodedCaptionImage> Images => images;

    /// <summary>The order of samples in an epoch; batch k holds samples [k·B, (k+1)·B).</summary>
    public IReadOnlyList<CaptionSample> Plan(int epoch) => EpochPlan.Build(captionCounts, options, epoch);

    /// <summary>The batches of one epoch from <paramref name="startBatch"/> on (resume: the same batches as a full run).</summary>
    public IEnumerable<CaptionBatch> Epoch(int epoch, int startBatch = 0, CancellationToken cancellation = default)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), "epoch must not be negative");
        if (startBatch < 0 || startBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startBatch), $"start batch must be in [0, {BatchesPerEpoch}], got {startBatch}");
        return Batches(EpochPlan.Build(captionCounts, options, epoch), startBatch, cancellation);
    }

    private IEnumerable<CaptionBatch> Batches(CaptionSample[] plan, int startBatch, CancellationToken cancellation)
    {
        if (options.Prefetch == 0)
        {
            for (int b = startBatch; b < BatchesPerEpoch; b++) yield return Prepare(plan, b, cancellation).ToBatch(pixelBuffers);
            yield break;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var pending = new Queue<Task<PreparedBatch>>();   // in batch order: the queue, not completion, sets the order
        int next = startBatch;
        try
        {
            while (pending.Count < options.Prefetch && next < BatchesPerEpoch) pending.Enqueue(Start(plan, next++, stop.Token));
            while (pending.Count > 0)
            {
                var prepared = pending.Dequeue().GetAwaiter().GetResult();   // rethrows a worker's SpotlightException as is
                if (next < BatchesPerEpoch) pending.Enqueue(Start(plan, next++, stop.Token));
                yield return prepared.ToBatch(pixelBuffers);
            }
        }
        finally
        {
            // The consumer stopped early or a batch failed: cancel the rest and wait so no worker outlives the epoch.
            stop.Cancel();
            foreach (var task in pending)
            {
                try { task.Wait(CancellationToken.None); }
                catch (AggregateException) { }
            }
        }
    }

    private Task<PreparedBatch> Start(CaptionSample[] plan, int batch, CancellationToken cancellation) =>
        Task.Run(() => Prepare(plan, batch, cancellation), cancellation);

    /// <summary>Worker side: plain arrays only, no tensors.</summary>
    private PreparedBatch Prepare(CaptionSample[] plan, int batch, CancellationToken cancellation)
    {
        int first = batch * options.BatchSize, count = Math.Min(options.BatchSize, plan.Length - first);
        int size = preprocessing.Size, imageFloats = options.Pixels ? 3 * size * size : 0;
        var pixels = pixelBuffers.TryTake(out var reused) && reused.Length == count * imageFloats ? reused : new float[count * imageFloats];
        var captions = new int[count][];
        var ids = new string[count];
        var samples = new CaptionSample[count];
        for (int j = 0; j < count; j++)
        {
            cancellation.ThrowIfCancellationRequested();
            var sample = plan[first + j];
            var image = images[sample.Image];
            if (options.Pixels) ImagePipeline.Normalize(Pixels(sample.Image), preprocessing, pixels.AsSpan(j * imageFloats, imageFloats), sample.Flip);
            var words = image.Captions[sample.Caption];
            captions[j] = sample.Flip ? [.. words.Select(w => flipSwaps.GetValueOrDefault(w, w))] : words;
            ids[j] = image.Id;
            samples[j] = sample;
        }
        return PreparedBatch.Pad(pixels, options.Pixels ? size : 0, captions, ids, samples);
    }

    private RgbImage Pixels(int index)
    {
        var cached = Volatile.Read(ref cache[index]);
        if (cached is not null) return cached;
        var rgb = ImagePipeline.LoadAndCrop(images[index].ImagePath, preprocessing, limits);
        // Two workers may decode the same image at once; both results are identical, so either may be kept.
        if (Interlocked.Add(ref cachedBytes, rgb.Data.Length) <= options.CacheBytes) Volatile.Write(ref cache[index], rgb);
        else Interlocked.Add(ref cachedBytes, -rgb.Data.Length);
        return rgb;
    }

    private sealed record PreparedBatch(float[] Pixels, int Size, long[] Tokens, int Steps, long[] Lengths, string[] Ids, CaptionSample[] Samples)
    {
        public static PreparedBatch Pad(float[] pixels, int size, int[][] captions, string[] ids, CaptionSample[] samples)
        {
            int steps = captions.Max(c => c.Length) + 2;
            var tokens = new long[captions.Length * steps];              // zero-filled: <pad> is 0
            var lengths = new long[captions.Length];
            for (int b = 0; b < captions.Length; b++)
            {
                var row = tokens.AsSpan(b * steps, steps);
                row[0] = Vocabulary.Start;
                for (int t = 0; t < captions[b].Length; t++) row[t + 1] = captions[b][t];
                row[captions[b].Length + 1] = Vocabulary.End;
                lengths[b] = captions[b].Length + 2;
            }
            return new PreparedBatch(pixels, size, tokens, steps, lengths, ids, samples);
        }

        /// <summary>Consumer side: the only place tensors are made. tensor() copies, so the buffer can be reused.</summary>
        public CaptionBatch ToBatch(ConcurrentBag<float[]> buffers)
        {
            var batch = new CaptionBatch(
                Size > 0 ? tensor(Pixels, new long[] { Ids.Length, 3, Size, Size }) : zeros(Ids.Length, 0),
                tensor(Tokens, new long[] { Ids.Length, Steps }),
                tensor(Lengths, new long[] { Ids.Length }),
                Ids) { Samples = Samples };
            if (buffers.Count < 8) buffers.Add(Pixels);
            return batch;
        }
    }
}
