using System.Text.Json;
using System.Text.Json.Serialization;
using Spotlight.Checkpoints;
using Spotlight.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Inpainting;

/// <summary>A filled image: the network's raw output, the composite (known pixels from the input), and the attention.</summary>
public sealed record InpaintingResult(RgbImage Raw, RgbImage Composite, IReadOnlyList<ContextualAttentionResult> Attention);

/// <summary>
/// A trained inpainting network with its config: one <c>.spotlight</c> file of kind <c>inpainting</c>
/// (<see cref="ModelFile"/>). Images enter as RGB bytes at the model's size and are mapped to [-1, 1].
/// </summary>
public sealed class InpaintingModel : IDisposable
{
    public const string Kind = "inpainting";

    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a run's best PSNR starts at −∞
        WriteIndented = false,
    };

    public InpaintingModel(InpaintingNet network)
    {
        Network = network;
    }

    public InpaintingNet Network { get; }
    public InpaintingConfig Config => Network.Config;
    public int ImageSize => Config.ImageSize;

    /// <summary>JSON written into the file's "training_summary" entry (training data, steps, validation scores).</summary>
    public string? SummaryJson { get; set; }

    public static InpaintingModel Create(InpaintingConfig config) => new(new InpaintingNet(config));

    private static readonly TaskModelFile<InpaintingConfig> FileFormat = new(Kind, Json);

    public void Save(string path) => FileFormat.Save(path, Network, Config, SummaryJson);

    public static InpaintingModel Load(string path) => FileFormat.Load(path, file =>
    {
        try
        {
            file.Config.Validate();
        }
        catch (SpotlightException e)
        {
            throw new SpotlightException($"{path}: {e.Message}");
        }
        return new InpaintingModel(file.Network(config => new InpaintingNet(config))) { SummaryJson = file.Summary };
    });

    /// <summary>Fills one image of the model's size. The composite's known pixels are the input's bytes, unchanged.</summary>
    public InpaintingResult Fill(RgbImage image, HoleMask hole, bool keepAttention = false)
    {
        if (image.Width != ImageSize || image.Height != ImageSize)
            throw new SpotlightException($"the model fills {ImageSize}x{ImageSize} images, got {image.Width}x{image.Height}");
        if (hole.Width != image.Width || hole.Height != image.Height)
            throw new SpotlightException($"mask is {hole.Width}x{hole.Height} but the image is {image.Width}x{image.Height}");
        hole.EnsureUsable("mask");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Network.eval();
        Network.KeepAttention = keepAttention;
        try
        {
            var x = ToTensor(image).unsqueeze(0);
            var m = hole.ToTensor();
            var output = Network.forward(x * (1 - m), m);
            var raw = FromTensor(output.Image[0]);
            var attention = output.Attention.Select(a => new ContextualAttentionResult(
                a.Output.MoveToOuterDisposeScope(), a.Mass.MoveToOuterDisposeScope(), a.Weights.MoveToOuterDisposeScope(), a.Keys)).ToList();
            return new InpaintingResult(raw, Composite(image, raw, hole), attention);
        }
        finally
        {
            Network.KeepAttention = false;
        }
    }

    /// <summary>Known pixels from <paramref name="known"/>, hole pixels from <paramref name="filled"/>.</summary>
    public static RgbImage Composite(RgbImage known, RgbImage filled, HoleMask hole)
    {
        var data = (byte[])known.Data.Clone();
        var pixels = hole.Pixels;
        for (int i = 0; i < pixels.Length; i++)
            if (pixels[i])
                for (int c = 0; c < 3; c++) data[3 * i + c] = filled.Data[3 * i + c];
        return new RgbImage(known.Width, known.Height, data);
    }

    /// <summary>(3, H, W) in [-1, 1]: x / 127.5 − 1.</summary>
    public static Tensor ToTensor(RgbImage image) => ImageTensor.FromPixels(image, ImagePreprocessing.SymmetricUnit(image.Width));

    /// <summary>(3, H, W) in [-1, 1] back to bytes (rounded, clamped).</summary>
    public static RgbImage FromTensor(Tensor chw)
    {
        using var bitmap = ImageTensor.ToBitmap(chw, ImagePreprocessing.SymmetricUnit((int)chw.shape[2]));
        return RgbImage.FromRgba(PixelOps.ReadRgba(bitmap), bitmap.Width, bitmap.Height);
    }

    public void Dispose() => Network.Dispose();
}
