using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;
using Spotlight.Vision;

namespace Spotlight.Tests.CaptioningData;

public class SyntheticDatasetTests
{
    private static readonly SynthConfig Small = new(Train: 6, Val: 2, Test: 2, Size: 48, Seed: 11);

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void The_same_seed_writes_byte_identical_files()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        SyntheticDataset.Generate(Small, a.Path);
        SyntheticDataset.Generate(Small, b.Path);
        var fa = Files(a.Path);
        var fb = Files(b.Path);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        Assert.Equal(3 + 10, fa.Count);   // three JSON files and ten PNGs
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs");
    }

    [Fact]
    public void Another_seed_writes_different_images_and_captions()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        SyntheticDataset.Generate(Small, a.Path);
        SyntheticDataset.Generate(Small with { Seed = 12 }, b.Path);
        var fa = Files(a.Path);
        var fb = Files(b.Path);
        Assert.NotEqual(fa["captions.json"], fb["captions.json"]);
        Assert.True(fa.Keys.Where(k => k.EndsWith(".png")).Count(k => !fa[k].AsSpan().SequenceEqual(fb[k])) >= 9);
    }

    [Fact]
    public void The_loader_reads_back_splits_captions_and_images()
    {
        using var dir = new TempDirectory();
        var summary = SyntheticDataset.Generate(Small, dir.Path);
        Assert.Equal(50, summary.Captions);
        var data = CaptionDataset.Load(dir.Path);
        Assert.Equal(10, data.Count);
        Assert.Equal(["test", "train", "val"], data.SplitNames);
        Assert.Equal(6, data.Split("train").Count);
        Assert.Equal(2, data.Split("val").Count);
        Assert.Empty(data.Warnings);
        Assert.All(data.Images, i =>
        {
            Assert.Equal(5, i.Captions.Count);
            Assert.True(File.Exists(i.ImagePath));
            var header = ImageHeader.Probe(i.ImagePath);
            Assert.Equal((48, 48, "PNG"), (header.Width, header.Height, header.Format));
        });
        Assert.Equal(data.Images.Select(i => i.Id), SyntheticObjects.Load(dir.Path).Keys.Order(StringComparer.Ordinal).OrderBy(int.Parse));
    }

    [Fact]
    public void Objects_lie_inside_the_frame_apart_and_where_the_image_has_colour()
    {
        // Boxes must be tight and true: the pixel at each object's centre is strongly coloured (every shape covers
        // its centre), while pixels outside all boxes are the desaturated background.
        using var dir = new TempDirectory();
        SyntheticDataset.Generate(new SynthConfig(Train: 30, Val: 0, Test: 0, Size: 64, Seed: 5), dir.Path);
        foreach (var scene in SyntheticObjects.Load(dir.Path).Values)
        {
            using var image = ImageDecoder.Decode(Path.Combine(dir.Path, "images", scene.FileName));
            Assert.InRange(scene.Objects.Count, 1, 3);
            foreach (var o in scene.Objects)
            {
                Assert.True(o.Box.X >= 0 && o.Box.Y >= 0 && o.Box.X + o.Box.W <= 64 && o.Box.Y + o.Box.H <= 64);
                var c = image.GetPixel((int)o.Box.CenterX, (int)o.Box.CenterY);
                int saturation = Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue));
                Assert.True(saturation > 90, $"image {scene.ImageId}: centre of {o.Colour} {o.Shape} has {c}");
                foreach (var other in scene.Objects.Where(x => !ReferenceEquals(x, o)))
                    Assert.False(o.Box.Overlaps(other.Box, 0), $"image {scene.ImageId}: objects overlap");
            }
            for (int y = 0; y < 64; y += 3)
                for (int x = 0; x < 64; x += 3)
                {
                    if (scene.Objects.Any(o => x >= o.Box.X - 1 && x <= o.Box.X + o.Box.W && y >= o.Box.Y - 1 && y <= o.Box.Y + o.Box.H)) continue;
                    var c = image.GetPixel(x, y);
                    int saturation = Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue));
                    Assert.True(saturation <= 48, $"image {scene.ImageId}: background pixel ({x},{y}) is {c}");
                }
        }
    }

    [Fact]
    public void Writing_over_an_existing_set_needs_overwrite()
    {
        using var dir = new TempDirectory();
        var tiny = new SynthConfig(3, 0, 0, 32, 1);
        SyntheticDataset.Generate(tiny, dir.Path);
        var e = Assert.Throws<SpotlightException>(() => SyntheticDataset.Generate(tiny, dir.Path));
        Assert.Contains("--overwrite", e.Message);
        SyntheticDataset.Generate(tiny with { Train = 1, Seed = 2 }, dir.Path, overwrite: true);
        Assert.Equal(["000001.png"], Directory.GetFiles(dir.File("images")).Select(Path.GetFileName));   // no stale images
        Assert.Equal(1, CaptionDataset.Load(dir.Path).Count);
    }

    [Theory]
    [InlineData(0, 0, 0, 64)]
    [InlineData(-1, 1, 1, 64)]
    [InlineData(1, 0, 0, 16)]
    public void Impossible_sizes_are_refused(int train, int val, int test, int size)
    {
        using var dir = new TempDirectory();
        Assert.Throws<SpotlightException>(() => SyntheticDataset.Generate(new SynthConfig(train, val, test, size), dir.Path));
    }
}
