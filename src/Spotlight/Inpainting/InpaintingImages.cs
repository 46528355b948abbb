using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>
/// Square RGB images held in memory at the model's size (12 KB each at 64×64, 48 KB at 128×128): a folder of photos
/// (centre-cropped and resized by <see cref="ImagePipeline"/>, the same path captioning uses) or the synthetic textures.
/// </summary>
public sealed class InpaintingImages
{
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    private InpaintingImages(string source, IReadOnlyList<RgbImage> images, IReadOnlyList<string> names)
    {
        Source = source;
        Images = images;
        Names = names;
    }

    public string Source { get; }
    public IReadOnlyList<RgbImage> Images { get; }
    public IReadOnlyList<string> Names { get; }
    public int Count => Images.Count;

    /// <summary>
    /// Every image file in <paramref name="directory"/> (not recursive), in ordinal name order. Splits by position:
    /// index % 10 == 9 is "test", index % 10 == 8 is "val" (model selection), the rest "train"; "all" takes everything.
    /// </summary>
    public static InpaintingImages FromFolder(string directory, int size, string split = "all", int maxImages = 0)
    {
        if (!Directory.Exists(directory)) throw new SpotlightException($"{directory}: image folder not found");
        var files = Directory.EnumerateFiles(directory)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .Where((_, i) => split switch
            {
                "all" => true,
                "train" => i % 10 < 8,
                "val" => i % 10 == 8,
                "test" => i % 10 == 9,
                _ => throw new SpotlightException($"unknown split '{split}' (use train, val, test or all)"),
            })
            .ToList();
        if (maxImages > 0 && files.Count > maxImages) files = files.Take(maxImages).ToList();
        if (files.Count == 0) throw new SpotlightException($"{directory}: no {split} images ({string.Join(", ", Extensions)})");
        var preprocessing = new ImagePreprocessing(size);
        var images = ImagePipeline.LoadAndCropAll(files, preprocessing);
        return new InpaintingImages(directory, images, files.Select(Path.GetFileName).ToList()!);
    }

    /// <summary>Textures <c>first</c> … <c>first + count − 1</c> of the seed (tests use a range apart from training).</summary>
    public static InpaintingImages Synthetic(int count, int size, long seed, long first = 0)
    {
        var images = new RgbImage[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => images[i] = SyntheticTextures.Render(size, seed, first + i));
        return new InpaintingImages($"synthetic(seed {seed}, from {first})", images,
            Enumerable.Range(0, count).Select(i => $"texture-{first + i:D6}").ToList());
    }

    /// <summary>Synthetic indices of the validation and test ranges: far from any training index.</summary>
    public const long SyntheticValidationStart = 500_000, SyntheticTestStart = 1_000_000;

    /// <summary>A folder's split, or the synthetic range of the same name.</summary>
    public static InpaintingImages Load(string? folder, string split, int size, int synthetic, long seed, int maxImages = 0)
    {
        if (folder is not null) return FromFolder(folder, size, split, maxImages);
        long first = split switch { "val" => SyntheticValidationStart, "test" => SyntheticTestStart, _ => 0 };
        int count = maxImages > 0 ? Math.Min(maxImages, synthetic) : synthetic;
        return Synthetic(count, size, seed, first);
    }
}
