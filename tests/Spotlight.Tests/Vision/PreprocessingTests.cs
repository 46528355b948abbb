using SkiaSharp;
using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Tests.Vision;

public class PreprocessingTests
{
    [Fact]
    public void Shrinking_four_pixels_to_two_uses_the_widened_triangle_filter()
    {
        // Row [0, 100, 200, 255] → 2 pixels: scale 2, triangle radius 2 source pixels.
        // Out 0 (centre 1.0): source centres 0.5, 1.5, 2.5 at distances .5, .5, 1.5 → weights .75, .75, .25 (sum 1.75):
        //   (0·.75 + 100·.75 + 200·.25) / 1.75 = 71.43 → 71.
        // Out 1 (centre 3.0): source centres 1.5, 2.5, 3.5 → weights .25, .75, .75: (25 + 150 + 191.25) / 1.75 = 209.29 → 209.
        var row = new RgbImage(4, 1, [0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]);
        var small = Resampler.Resize(row, 2, 1);
        Assert.Equal(new byte[] { 71, 71, 71, 209, 209, 209 }, small.Data);
    }

    [Fact]
    public void Resizing_a_flat_image_keeps_it_flat()
    {
        var flat = new RgbImage(37, 23, [.. Enumerable.Repeat(new byte[] { 12, 130, 250 }, 37 * 23).SelectMany(p => p)]);
        foreach (var (w, h) in new[] { (64, 64), (5, 9), (37, 11) })
        {
            var resized = Resampler.Resize(flat, w, h);
            for (int i = 0; i < resized.Data.Length; i += 3)
                Assert.Equal((12, 130, 250), (resized.Data[i], resized.Data[i + 1], resized.Data[i + 2]));
        }
    }

    [Fact]
    public void The_shorter_side_is_scaled_to_size_and_the_centre_is_cropped()
    {
        // 200×100: left third black, middle third red, right third white. Shorter side 100 → 32 gives 64×32;
        // the centre crop keeps columns 16–47, i.e. source columns 50–150: red in the middle, black and white
        // only at the edges (source 50–66 and 133–150).
        using var bitmap = TestImages.Solid(200, 100, (x, _) => x < 67 ? SKColors.Black : x < 133 ? SKColors.Red : SKColors.White);
        var rgb = ImagePipeline.ResizeAndCrop(bitmap, new ImagePreprocessing(32));
        Assert.Equal((32, 32), (rgb.Width, rgb.Height));
        (byte, byte, byte) At(int x, int y) => (rgb.Data[(y * 32 + x) * 3], rgb.Data[(y * 32 + x) * 3 + 1], rgb.Data[(y * 32 + x) * 3 + 2]);
        Assert.Equal(((byte)0, (byte)0, (byte)0), At(0, 16));
        Assert.Equal(((byte)255, (byte)0, (byte)0), At(16, 16));
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(31, 16));
    }

    [Fact]
    public void Stretch_keeps_the_whole_image()
    {
        using var bitmap = TestImages.Solid(200, 100, (x, _) => x < 20 ? SKColors.Black : SKColors.White);
        var rgb = ImagePipeline.ResizeAndCrop(bitmap, new ImagePreprocessing(32) { Resize = ResizePolicy.Stretch });
        Assert.Equal(0, rgb.Data[(16 * 32 + 0) * 3]);    // the black strip survives at the left edge
    }

    [Fact]
    public void Normalisation_matches_hand_arithmetic_for_imagenet_and_symmetric_scaling()
    {
        var white = new RgbImage(1, 1, [255, 255, 255]);
        var black = new RgbImage(1, 1, [0, 0, 0]);
        var imagenet = ImagePreprocessing.ImageNet(1);
        // (1 − 0.485)/0.229 = 2.2489; (1 − 0.456)/0.224 = 2.4286; (1 − 0.406)/0.225 = 2.64; (0 − 0.485)/0.229 = −2.1179.
        var w = ImagePipeline.Normalize(white, imagenet);
        Assert.Equal(2.2489f, w[0], 3);
        Assert.Equal(2.4286f, w[1], 3);
        Assert.Equal(2.64f, w[2], 3);
        Assert.Equal(-2.1179f, ImagePipeline.Normalize(black, imagenet)[0], 3);
        var unit = ImagePreprocessing.SymmetricUnit(1);
        Assert.Equal(new float[] { 1, 1, 1 }, ImagePipeline.Normalize(white, unit));
        Assert.Equal(new float[] { -1, -1, -1 }, ImagePipeline.Normalize(black, unit));
    }

    [Fact]
    public void Tensors_are_channel_first_and_flip_mirrors_columns()
    {
        // 2×1 image: left pixel (10,20,30), right (40,50,60); with std 1/255 and mean 0 the floats are the bytes.
        var prep = new ImagePreprocessing(2) { Mean = new(0, 0, 0), Std = new(1 / 255f, 1 / 255f, 1 / 255f) };
        var image = new RgbImage(2, 1, [10, 20, 30, 40, 50, 60]);
        var chw = new float[6];
        ImagePipeline.Normalize(image, prep, chw);
        Assert.Equal(new float[] { 10, 40, 20, 50, 30, 60 }, chw.Select(v => MathF.Round(v)));
        ImagePipeline.Normalize(image, prep, chw, flipHorizontal: true);
        Assert.Equal(new float[] { 40, 10, 50, 20, 60, 30 }, chw.Select(v => MathF.Round(v)));
    }

    [Fact]
    public void Training_and_inference_preprocessing_give_identical_tensors()
    {
        // Inference: ImageTensor.Load / FromBitmap. Training: the batch loader, which calls ImagePipeline.LoadAndCrop
        // then Normalize (checked again in CaptionBatchLoaderTests). Both must equal this decomposition exactly.
        using var dir = new TempDirectory();
        using var source = TestImages.Solid(90, 70, (x, y) => new SKColor((byte)(x * 2), (byte)(y * 3), (byte)(x + y)));
        var path = dir.Write("p.png", TestImages.Encode(source, SKEncodedImageFormat.Png));
        var prep = new ImagePreprocessing(48);
        using var loaded = ImageTensor.Load(path, prep);
        using var decoded = ImageDecoder.Decode(path);
        using var fromBitmap = ImageTensor.FromBitmap(decoded, prep);
        using var manual = tensor(ImagePipeline.Normalize(ImagePipeline.LoadAndCrop(path, prep), prep), [3, 48, 48]);
        Assert.Equal(new long[] { 3, 48, 48 }, loaded.shape);
        Assert.Equal(ScalarType.Float32, loaded.dtype);
        var expected = loaded.data<float>().ToArray();
        Assert.Equal(expected, fromBitmap.data<float>().ToArray());
        Assert.Equal(expected, manual.data<float>().ToArray());
    }

    [Fact]
    public void A_tensor_turns_back_into_the_same_bitmap()
    {
        using var source = TestImages.Solid(16, 16, (x, y) => new SKColor((byte)(x * 16), (byte)(y * 16), 99));
        var prep = ImagePreprocessing.ImageNet(16);
        using var t = ImageTensor.FromBitmap(source, prep);
        using var back = ImageTensor.ToBitmap(t, prep);
        Assert.Equal(PixelBytes(source), PixelBytes(back));
    }

    [Fact]
    public void Equal_configurations_are_equal_records()
    {
        Assert.Equal(new ImagePreprocessing(64), ImagePreprocessing.ImageNet(64));
        Assert.NotEqual(ImagePreprocessing.ImageNet(64), ImagePreprocessing.SymmetricUnit(64));
        Assert.Throws<SpotlightException>(() => (new ImagePreprocessing(8) { Std = new(0, 1, 1) }).Validate());
    }

    private static byte[] PixelBytes(SKBitmap bitmap)
    {
        var rgb = new List<byte>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                rgb.AddRange([c.Red, c.Green, c.Blue]);
            }
        return [.. rgb];
    }
}
