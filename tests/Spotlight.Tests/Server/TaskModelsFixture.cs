using Spotlight.Inpainting;
using Spotlight.Server;
using Spotlight.Tests.Translation;
using Spotlight.Tests.Vision;
using Spotlight.Translation;
using Spotlight.Vision;

namespace Spotlight.Tests.Server;

/// <summary>
/// A tiny translator and a tiny inpainting model saved to .spotlight files, loaded once as the server's backends and
/// once more as plain library objects whose answers (the CLI's path) the served ones must equal; a 24 px texture
/// photo and masks for it.
/// </summary>
public sealed class TaskModelsFixture : IDisposable
{
    private readonly TempDirectory folder = new();

    public TaskModelsFixture()
    {
        TranslatorPath = folder.File("translator.spotlight");
        using (var random = TranslationKit.RandomTranslator(TranslatorArch.RnnSearch, seed: 11)) random.Save(TranslatorPath);
        InpainterPath = folder.File("inpainter.spotlight");
        TorchSharp.torch.manual_seed(3);
        using (var model = InpaintingModel.Create(InpaintingConfig.Tiny(16))) model.Save(InpainterPath);

        Translator = Translator.Load(TranslatorPath);
        Inpainter = InpaintingModel.Load(InpainterPath);
        Models = new TaskModels(TranslationBackend.Load(TranslatorPath), InpaintingBackend.Load(InpainterPath));

        Photo = AttentionReport.Png(SyntheticTextures.Render(24, 1, 1));
        PhotoPath = folder.Write("photo.png", Photo);
        Mask = MaskPng(24, 24, (x, y) => x is >= 6 and < 16 && y is >= 8 and < 18);
        MaskPath = folder.Write("mask.png", Mask);
    }

    public string TranslatorPath { get; }
    public string InpainterPath { get; }
    public Translator Translator { get; }
    public InpaintingModel Inpainter { get; }
    public TaskModels Models { get; }
    public byte[] Photo { get; }
    public string PhotoPath { get; }
    public byte[] Mask { get; }
    public string MaskPath { get; }

    public string File(string name) => folder.File(name);

    /// <summary>A black-and-white PNG, white where <paramref name="hole"/> holds.</summary>
    public static byte[] MaskPng(int width, int height, Func<int, int, bool> hole)
    {
        var data = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (hole(x, y)) data[3 * (y * width + x)] = data[3 * (y * width + x) + 1] = data[3 * (y * width + x) + 2] = 255;
        return AttentionReport.Png(new RgbImage(width, height, data));
    }

    public void Dispose()
    {
        Models.Translation?.Dispose();
        Models.Inpainting?.Dispose();
        Translator.Dispose();
        Inpainter.Dispose();
        folder.Dispose();
    }
}
