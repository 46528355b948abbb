using Spotlight.Captioning.Data;
using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Inpainting;

/// <summary>
/// Training batches as a pure function of (seed, step): which images (drawn with replacement), which masks, which
/// flips. A resumed run therefore sees exactly the batches an uninterrupted run would, with nothing to save.
/// </summary>
public static class InpaintingBatches
{
    /// <summary>(B, 3, S, S) targets in [-1, 1] and (B, 1, S, S) holes.</summary>
    public static (Tensor Images, Tensor Holes) Training(IReadOnlyList<RgbImage> images, long step, InpaintingTrainingOptions options)
    {
        var rng = SeededRandom.Derive(options.Seed, 0xBA7C, step);
        int size = images[0].Width, batch = options.BatchSize;
        var picked = new RgbImage[batch];
        var masks = new HoleMask[batch];
        for (int j = 0; j < batch; j++)
        {
            var image = images[rng.Next(images.Count)];
            picked[j] = options.HorizontalFlip && rng.NextBool() ? Mirror(image) : image;
            var family = options.Masks[rng.Next(options.Masks.Count)];
            masks[j] = MaskGenerator.Generate(family, size, options.Seed, step * batch + j);
        }
        return Stack(picked, masks);
    }

    /// <summary>The fixed validation (or evaluation) masks: image i gets family i mod count, index i, seed + 1.</summary>
    public static HoleMask FixedMask(IReadOnlyList<MaskFamily> families, int size, long seed, int index) =>
        MaskGenerator.Generate(families[index % families.Count], size, seed + 1, index);

    public static (Tensor Images, Tensor Holes) Stack(IReadOnlyList<RgbImage> images, IReadOnlyList<HoleMask> masks)
    {
        using var scope = NewDisposeScope();
        var x = stack(images.Select(InpaintingModel.ToTensor).ToList());
        var m = cat(masks.Select(k => k.ToTensor()).ToList(), 0);
        return (x.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
    }

    private static RgbImage Mirror(RgbImage image)
    {
        int w = image.Width;
        var data = new byte[image.Data.Length];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < w; x++)
                Array.Copy(image.Data, (y * w + x) * 3, data, (y * w + w - 1 - x) * 3, 3);
        return new RgbImage(w, image.Height, data);
    }
}
