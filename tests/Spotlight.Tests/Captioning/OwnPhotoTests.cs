using SkiaSharp;
using Spotlight.Captioning;
using Spotlight.Tests.Vision;
using Spotlight.Text;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

/// <summary>`spotlight caption` on ordinary photos of every kind, with a pretrained-encoder model.</summary>
[Collection(TinyCaptioningCollection.Name)]
public sealed class OwnPhotoTests(TinyCaptioningData data)
{
    // Made once with Pillow 9.4 (Debian 12): a 24×16 red JPEG saved as CMYK (Adobe marker), a 40×24 progressive JPEG
    // gradient, a 12×12 two-frame animated GIF (green, then red).
    private const string CmykJpeg = "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwPFxgWFBgSFBUU/8AAFAgAEAAYBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD71r8+q/Pqv1Toooooooooooooooooooor/9k=";
    private const string ProgressiveJpeg = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wgARCAAYACgDASIAAhEBAxEB/8QAGAABAQEBAQAAAAAAAAAAAAAAAAUGBAf/xAAXAQEBAQEAAAAAAAAAAAAAAAAFBgcI/9oADAMBAAIQAxAAAAHwunrKdULlKerpk6BlG+G2/FTC+PKdMK0CmDLf/8QAFhAAAwAAAAAAAAAAAAAAAAAAAAME/9oACAEBAAEFAlxC4hcQuIXELiFxC4hcQuIXELiFxC4hcR//xAAbEQADAAIDAAAAAAAAAAAAAAAAAwQFYRIiMf/aAAgBAwEBPwGLJ7IsnsTk+vpFQwioYJoZxP/EABkRAAMBAQEAAAAAAAAAAAAAAAACAwQRIf/aAAgBAgEBPwGm8pvG3+lLOUs41n6f/8QAFRABAQAAAAAAAAAAAAAAAAAAADH/2gAIAQEABj8CiIiIiIiIiI//xAAUEAEAAAAAAAAAAAAAAAAAAAAw/9oACAEBAAE/IXQCCQQSCX//2gAMAwEAAgADAAAAENDzQwf/AP/EABcRAQEBAQAAAAAAAAAAAAAAAAAhMRH/2gAIAQMBAT8QyMiEkqSuDX//xAAXEQEBAQEAAAAAAAAAAAAAAAAAUWFB/9oACAECAQE/ENmyhYsdB//EABYQAAMAAAAAAAAAAAAAAAAAAAAxwf/aAAgBAQABPxBECYEwIgTAiBECYEQJgRAiBMCIEQf/2Q==";
    private const string AnimatedGif = "R0lGODlhDAAMAIEAAB7IHgAAAAAAAAAAACH/C05FVFNDQVBFMi4wAwEAAAAh+QQACgAAACwAAAAADAAMAAAIFgABCBxIsKDBgwgTKlzIsKHDhxARBgQAIfkEAAoAAAAsAAAAAAwADACByB4eAAAAAAAAAAAACBYAAQgcSLCgwYMIEypcyLChw4cQEQYEADs=";

    [Fact]
    public void Cmyk_jpeg_and_the_first_frame_of_an_animated_gif_decode_to_their_colours()
    {
        using var dir = new TempDirectory();
        var red = ImagePipeline.LoadAndCrop(dir.Write("cmyk.jpg", Convert.FromBase64String(CmykJpeg)), new ImagePreprocessing(16));
        var (r, g, b) = (red.Data[0], red.Data[1], red.Data[2]);
        Assert.True(r > 180 && g < 80 && b < 80, $"CMYK red decoded as ({r}, {g}, {b})");
        var gif = ImagePipeline.LoadAndCrop(dir.Write("anim.gif", Convert.FromBase64String(AnimatedGif)), new ImagePreprocessing(12));
        Assert.Equal((30, 200, 30), (gif.Data[0], gif.Data[1], gif.Data[2]));
    }

    [Fact]
    public void A_pretrained_encoder_model_captions_odd_photos_from_one_pixel_to_52_megapixels()
    {
        using var dir = new TempDirectory();
        using var model = PretrainedModel();
        var files = new List<string>
        {
            dir.Write("one-pixel.png", TestImages.Encode(TestImages.Solid(1, 1, (_, _) => SKColors.Orange), SKEncodedImageFormat.Png)),
            dir.Write("wide.png", TestImages.Encode(TestImages.Solid(7, 2, (x, _) => new SKColor((byte)(x * 30), 0, 0)), SKEncodedImageFormat.Png)),
            dir.Write("cmyk.jpg", Convert.FromBase64String(CmykJpeg)),
            dir.Write("progressive.jpg", Convert.FromBase64String(ProgressiveJpeg)),
            dir.Write("anim.gif", Convert.FromBase64String(AnimatedGif)),
            dir.Write("photo.webp", TestImages.WebpLossless(TestImages.Solid(30, 20, (x, y) => new SKColor((byte)x, (byte)y, 9)))),
        };
        using (var big = new SKBitmap(8000, 6500))
        {
            big.Erase(SKColors.SteelBlue);
            files.Add(dir.Write("52mp.jpg", TestImages.Encode(big, SKEncodedImageFormat.Jpeg, 80)));
        }
        var results = model.CaptionFiles(files, new CaptionOptions(Beam: 2));
        Assert.Equal(files.Count, results.Count);
        Assert.All(results, r => Assert.Equal(model.Network.Encoder.GridHeight * model.Network.Encoder.GridWidth, r.Attention.Weights.FirstOrDefault()?.Length ?? 4));
    }

    private CaptionModel PretrainedModel()
    {
        var vocabulary = CaptionEncoding.BuildVocabulary(data.Dataset.Split("train").Images.SelectMany(i => i.Captions), new TextConfig(MaxLength: 20));
        var encoder = new PretrainedEncoderConfig("mobilenet-v1", Alpha: 0.25, ImageSize: 64);
        manual_seed(5);
        var network = new Captioner(TinyCaptioningData.Config(vocabulary.Count) with { Pretrained = encoder });
        network.eval();
        return new CaptionModel(network, vocabulary, encoder.Preprocessing);
    }
}
