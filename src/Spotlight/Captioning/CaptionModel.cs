using Spotlight.Onnx;
using Spotlight.Vision.Encoders.Onnx;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spotlight.Checkpoints;
using Spotlight.Decoding;
using Spotlight.Text;
using Spotlight.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>Per-token attention over the encoder's grid: one row of GridHeight·GridWidth weights per word.</summary>
public sealed record AttentionMaps(int GridHeight, int GridWidth, float[][] Weights);

/// <summary>One captioned image.</summary>
public sealed record CaptionResult(
    string Source, string Caption, IReadOnlyList<string> Tokens, double LogProb, double Score, bool Finished,
    AttentionMaps Attention, IReadOnlyList<CaptionAlternative> Alternatives);

/// <summary>Where a shipped captioner's encoder weights come from: a package's ONNX file, checked by its SHA-256.</summary>
public sealed record EncoderReference(string Arch, string Package, string? PackageVersion, string File, string Sha256);

public sealed record CaptionAlternative(string Caption, double LogProb, double Score);

/// <summary>How to caption: beam width, length limit, length normalisation, alternatives.</summary>
/// <param name="Beam">beam width (1 = greedy)</param>
/// <param name="MaxLength">most generated tokens (null: the model's own limit)</param>
/// <param name="LengthAlpha">length normalisation len^α of the beam scores (0 = none)</param>
/// <param name="Alternatives">captions returned per image (at most the beam)</param>
/// <param name="BatchSize">images decoded together</param>
/// <param name="AllowUnknown">let captions contain &lt;unk&gt; (off: it is never generated, nor &lt;pad&gt; or &lt;start&gt;)</param>
public sealed record CaptionOptions(int Beam = 3, int? MaxLength = null, double LengthAlpha = 0.0, int Alternatives = 1, int BatchSize = 32,
    bool AllowUnknown = false)
{
    /// <summary>How a hypothesis's log-probability is divided by its length when <see cref="LengthAlpha"/> &gt; 0.</summary>
    public LengthPenaltyKind LengthPenalty { get; init; } = LengthPenaltyKind.Average;
    /// <summary>n &gt; 0: never repeat an n-gram of the caption.</summary>
    public int NoRepeatNgram { get; init; }
    /// <summary>θ ≥ 1: words already in the caption have their log-probability multiplied by θ.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;
    /// <summary>&lt;end&gt; is blocked before this many words.</summary>
    public int MinLength { get; init; }
    /// <summary>
    /// Draw captions instead of searching (Beam must be 1): <see cref="Alternatives"/> independent samples per image,
    /// best-scored first. A seed makes it reproducible for the same images in the same batches.
    /// </summary>
    public SamplingOptions? Sampling { get; init; }

    public void Validate()
    {
        if (Beam is < 1 or > 50) throw new SpotlightException($"beam must be between 1 and 50, got {Beam}");
        if (MaxLength is < 1 or > 200) throw new SpotlightException($"max length must be between 1 and 200, got {MaxLength}");
        if (Sampling is null && (Alternatives < 1 || Alternatives > Beam)) throw new SpotlightException($"alternatives must be between 1 and the beam ({Beam})");
        if (Sampling is not null && Alternatives is < 1 or > 50) throw new SpotlightException($"alternatives (samples per image) must be between 1 and 50, got {Alternatives}");
        if (Sampling is not null && Beam != 1) throw new SpotlightException($"sampling draws captions one word at a time: beam must be 1, got {Beam}");
        Sampling?.Validate();
        if (BatchSize < 1) throw new SpotlightException("batch size must be positive");
        if (!double.IsFinite(LengthAlpha) || LengthAlpha < 0) throw new SpotlightException($"length alpha must be a finite number ≥ 0, got {LengthAlpha}");
        if (!Enum.IsDefined(LengthPenalty)) throw new SpotlightException($"unknown length penalty {(int)LengthPenalty}");
        if (NoRepeatNgram is < 0 or > 10) throw new SpotlightException($"no-repeat n-gram size must be between 0 (off) and 10, got {NoRepeatNgram}");
        if (!double.IsFinite(RepetitionPenalty) || RepetitionPenalty is < 1 or > 10) throw new SpotlightException($"repetition penalty must be between 1 (off) and 10, got {RepetitionPenalty}");
        if (MinLength is < 0 or > 200) throw new SpotlightException($"min length must be between 0 and 200, got {MinLength}");
        if (MaxLength is int max && MinLength >= max) throw new SpotlightException($"min length ({MinLength}) must be below max length ({max})");
    }
}

/// <summary>
/// A trained captioner with everything needed to use it: the network, its config, the vocabulary and the image
/// preprocessing it was trained with. This is what one <c>.spotlight</c> file holds.
/// </summary>
public sealed class CaptionModel : IDisposable
{
    public const string Kind = "captioner";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a best score of -∞ before any validation
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public CaptionModel(Captioner network, Vocabulary vocabulary, ImagePreprocessing preprocessing, string? summaryJson = null)
    {
        Network = network;
        Vocabulary = vocabulary;
        Preprocessing = preprocessing;
        SummaryJson = summaryJson;
    }

    public Captioner Network { get; }
    public Vocabulary Vocabulary { get; }
    public ImagePreprocessing Preprocessing { get; }
    /// <summary>Training data summary and validation scores, as JSON (shown by the model card).</summary>
    public string? SummaryJson { get; set; }
    public CaptionerConfig Config => Network.Config;

    private static readonly TaskModelFile<CaptionerConfig> FileFormat = new(Kind, Json);

    public void Save(string path) => FileFormat.Save(path, Network, Config, SummaryJson, Blobs());

    private Dictionary<string, string> Blobs(ImagePreprocessing? preprocessing = null) => new()
    {
        ["vocabulary"] = Vocabulary.ToJson(),
        ["preprocessing"] = JsonSerializer.Serialize(preprocessing ?? Preprocessing, Json),
    };

    /// <summary>The blob of a model file saved by <see cref="SaveWithEncoderReference"/>.</summary>
    public const string EncoderReferenceBlob = "encoder_reference";

    /// <summary>
    /// Saves a captioner whose frozen encoder is the ResNet-18 that comes with Spotlight from NuGet without copying
    /// it: the decoder's weights in float16 (half the size; captions checked against float32 in the model card), and
    /// the encoder as a reference — the package, the ONNX file's name and SHA-256 — that loading resolves and checks.
    /// Refused when the encoder's weights are not exactly that file's (a fine-tuned encoder must be saved whole).
    /// </summary>
    /// <param name="resize">how user photos become squares, when it should differ from training's (recorded in the file)</param>
    public void SaveWithEncoderReference(string path, ResizePolicy? resize = null)
    {
        if (Config.Pretrained is not { Arch: CntkResNet18.Arch, TrainableBlocks: 0 })
            throw new SpotlightException($"only a captioner on the frozen {CntkResNet18.Arch} encoder can be saved with an encoder reference");
        var onnx = PackagedResNet18(path);
        var sha = OnnxFile.Sha256(onnx);
        var reference = new EncoderReference(CntkResNet18.Arch, CntkResNet18.PackageId, CntkResNet18.KnownFiles.GetValueOrDefault(sha),
            Path.GetFileName(onnx), sha);
        var packaged = CntkResNet18.ReadStateDict(onnx);
        try
        {
            foreach (var (name, tensor) in Network.EncoderModule.state_dict())
                if (!packaged.TryGetValue(name, out var expected) || !tensor.shape.SequenceEqual(expected.shape) || !tensor.equal(expected).all().item<bool>())
                    throw new SpotlightException($"{path}: the encoder's '{name}' differs from {onnx}; save the model whole (Save)");
        }
        finally
        {
            foreach (var t in packaged.Values) t.Dispose();
        }
        using var scope = torch.NewDisposeScope();
        var tensors = Network.state_dict().Where(p => !p.Key.StartsWith(EncoderPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value.is_floating_point() ? p.Value.to_type(ScalarType.Float16) : p.Value, StringComparer.Ordinal);
        var blobs = Blobs(resize is { } policy ? Preprocessing with { Resize = policy } : null);
        blobs[EncoderReferenceBlob] = JsonSerializer.Serialize(reference, Json);
        FileFormat.SaveTensors(path, tensors, Config, SummaryJson, blobs);
    }

    private const string EncoderPrefix = "encoder.";

    /// <summary>The package's ResNet18.onnx beside the running program, or one line saying what is missing.</summary>
    private static string PackagedResNet18(string forFile) => CntkResNet18.FindInOutput() ?? throw new SpotlightException(
        $"{forFile}: needs the ImageNet ResNet-18 from the NuGet package {CntkResNet18.PackageId}, expected at " +
        $"{Path.Combine(AppContext.BaseDirectory, CntkResNet18.RelativePath)}; restore and build Spotlight (the package copies it there)");

    /// <summary>A captioner saved with an encoder reference: decoder from the file, encoder from the packaged ONNX file.</summary>
    private static Captioner LoadByReference(TaskModelContents<CaptionerConfig> file)
    {
        var reference = file.Read<EncoderReference>(EncoderReferenceBlob);
        if (reference.Arch != CntkResNet18.Arch || file.Config.Pretrained?.Arch != CntkResNet18.Arch)
            throw new SpotlightException($"{file.Path}: refers to a '{reference.Arch}' encoder, which this Spotlight cannot resolve");
        var onnx = PackagedResNet18(file.Path);
        var sha = OnnxFile.Sha256(onnx);
        if (!string.Equals(sha, reference.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new SpotlightException($"{file.Path}: was trained on {reference.File} with SHA-256 {reference.Sha256[..16]}… " +
                $"({reference.Package} {reference.PackageVersion}), but {onnx} has {sha[..16]}…; restore that package version");
        var network = new Captioner(file.Config);
        try
        {
            using (var scope = torch.NewDisposeScope())
            {
                var decoder = file.File.Tensors.ToDictionary(p => p.Key,
                    p => p.Value.dtype == ScalarType.Float16 ? p.Value.to_type(ScalarType.Float32) : p.Value, StringComparer.Ordinal);
                StateDictLoader.Load(file.Path, (nn.Module)network.Decoder, decoder, "decoder.");
                if (decoder.Keys.FirstOrDefault(k => !k.StartsWith("decoder.", StringComparison.Ordinal)) is { } stray)
                    throw new SpotlightException($"{file.Path}: unexpected tensor '{stray}' beside the decoder's");
            }
            var encoder = CntkResNet18.ReadStateDict(onnx);
            try { StateDictLoader.Load(onnx, network.EncoderModule, encoder); }
            finally { foreach (var t in encoder.Values) t.Dispose(); }
            network.eval();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A captioner file's configuration from its header, without reading the weights.</summary>
    public static CaptionerConfig InspectConfig(string path) => FileFormat.Inspect(path).Config;

    public static CaptionModel Load(string path) => FileFormat.Load(path, file =>
    {
        var preprocessing = file.Read<ImagePreprocessing>("preprocessing");
        var vocabulary = Vocabulary.FromJson(file.File.Blob("vocabulary"));
        if (vocabulary.Count != file.Config.VocabSize)
            throw new SpotlightException($"{path}: vocabulary has {vocabulary.Count} tokens but the config says {file.Config.VocabSize}");
        var network = file.File.Blobs.ContainsKey(EncoderReferenceBlob) ? LoadByReference(file) : file.Network(config => new Captioner(config));
        return new CaptionModel(network, vocabulary, preprocessing, file.Summary);
    });

    /// <summary>The captioner that comes with Spotlight: its file name under <c>models/</c> beside the program.</summary>
    public const string PretrainedFileName = "flickr8k-captioner.spotlight";

    /// <summary>Where <see cref="LoadPretrained"/> looks: <c>models/</c> in the running program's folder (the build copies it there).</summary>
    public static string PretrainedPath => Path.Combine(AppContext.BaseDirectory, "models", PretrainedFileName);

    /// <summary>
    /// The pretrained real-photo captioner that comes with Spotlight (Flickr8k, the packaged ResNet-18; its card is
    /// models/README.md in the repository). A missing or tampered file, or a missing encoder package, is one line saying
    /// what to restore.
    /// </summary>
    public static CaptionModel LoadPretrained() => Load(ExistingPretrainedPath());

    /// <summary><see cref="PretrainedPath"/> when the file is there; otherwise one line saying how to restore it.</summary>
    public static string ExistingPretrainedPath() => File.Exists(PretrainedPath) ? PretrainedPath : throw new SpotlightException(
        $"{PretrainedPath}: the pretrained captioner is missing; it comes with Spotlight's build (models/{PretrainedFileName} in the repository): rebuild, or give a model file");

    /// <summary>Captions one image file: words, scores and per-word attention maps.</summary>
    public CaptionResult Caption(string imagePath, CaptionOptions? options = null) =>
        CaptionFiles([imagePath], options ?? new CaptionOptions())[0];

    /// <summary>Captions one encoded image (JPEG, PNG, WebP, BMP or GIF) from a stream; <paramref name="name"/> names it in results and errors.</summary>
    public CaptionResult Caption(Stream image, string name = "image", CaptionOptions? options = null)
    {
        using var scope = torch.NewDisposeScope();
        using var bitmap = ImageDecoder.Decode(image, name);
        var pixels = ImageTensor.FromBitmap(bitmap, Preprocessing).unsqueeze(0);
        return CaptionTensors(pixels, [name], options ?? new CaptionOptions())[0];
    }

    /// <summary>
    /// A Transformer captioner's cross-attention for a caption it wrote, per layer and head: [layer][head][word][region]
    /// (the maps the caption's attention averages). Null for a recurrent captioner, whose one map per word is the caption's.
    /// </summary>
    public float[][][][]? LayerMaps(string imagePath, CaptionResult result)
    {
        if (Config.Cell != DecoderCellKind.Transformer) return null;
        using var scope = torch.NewDisposeScope();
        return LayerMaps(LoadImage(imagePath), result);
    }

    /// <summary>The same for a preprocessed image (3, S, S), as <see cref="CaptionTensors"/> takes them.</summary>
    public float[][][][]? LayerMaps(Tensor image, CaptionResult result)
    {
        if (Config.Cell != DecoderCellKind.Transformer) return null;
        Network.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var regions = Network.EncodeImages(image.unsqueeze(0));
        var ids = new long[] { Vocabulary.Start }.Concat(result.Tokens.Select(w => (long)Vocabulary.Id(w))).ToArray();
        var maps = Network.CrossAttentionMaps(regions, torch.tensor(ids).unsqueeze(0))!;        // (1, layers, heads, T, n)
        int layers = (int)maps.shape[1], heads = (int)maps.shape[2], words = result.Tokens.Count, n = (int)maps.shape[4];
        if (words == 0) return [.. Enumerable.Range(0, layers).Select(_ => Enumerable.Range(0, heads).Select(_ => Array.Empty<float[]>()).ToArray())];   // an empty caption
        var host = maps[0].narrow(2, 0, words).contiguous().data<float>().ToArray();           // one copy: [layer][head][word][region]
        return [.. Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, heads).Select(h => Enumerable.Range(0, words)
            .Select(t => host.AsSpan(((l * heads + h) * words + t) * n, n).ToArray()).ToArray()).ToArray())];
    }

    /// <summary>Whether a file is a Spotlight model file (by its header), so a command can tell models from images.</summary>
    public static bool IsModelFile(string path)
    {
        try { return File.Exists(path) && ModelFile.Inspect(path).Kind.Length > 0; }
        catch (SpotlightException) { return false; }
    }

    /// <summary>Decodes, preprocesses and captions image files; the first unreadable file stops with its name.</summary>
    public IReadOnlyList<CaptionResult> CaptionFiles(IReadOnlyList<string> paths, CaptionOptions options)
    {
        var results = new List<CaptionResult>(paths.Count);
        foreach (var chunk in paths.Chunk(options.BatchSize))
        {
            using var scope = torch.NewDisposeScope();
            var images = torch.stack(chunk.Select(LoadImage).ToArray());
            results.AddRange(CaptionTensors(images, chunk, options));
        }
        return results;
    }

    /// <summary>The one preprocessing path for inference, identical to training's (same function, same settings).</summary>
    public Tensor LoadImage(string path)
    {
        return ImageTensor.Load(path, Preprocessing);
    }

    /// <summary>Captions a batch of preprocessed images (batch, 3, H, W) in one batched search.</summary>
    public IReadOnlyList<CaptionResult> CaptionTensors(Tensor images, IReadOnlyList<string> sources, CaptionOptions options)
    {
        Network.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return CaptionRegions(Network.EncodeImages(images), sources, options);
    }

    /// <summary>Captions from region features already computed (batch, regions, dim), e.g. from a feature cache.</summary>
    public IReadOnlyList<CaptionResult> CaptionRegions(Tensor regions, IReadOnlyList<string> sources, CaptionOptions options)
    {
        options.Validate();
        Network.eval();
        int maxLength = options.MaxLength ?? Config.MaxLength - 1;
        if (options.MinLength >= maxLength) throw new SpotlightException($"min length ({options.MinLength}) must be below the max length ({maxLength})");
        var decode = new DecodeOptions(
            BeamSize: options.Beam, MaxLength: maxLength,
            StartToken: Vocabulary.Start, EndToken: Vocabulary.End,
            LengthPenalty: options.LengthAlpha > 0 ? options.LengthPenalty : LengthPenaltyKind.None,
            LengthAlpha: options.LengthAlpha, NBest: options.Sampling is null ? options.Alternatives : 1,
            NoRepeatNgram: options.NoRepeatNgram, MinLength: options.MinLength, RepetitionPenalty: options.RepetitionPenalty,
            // A caption with "<unk>" in it is worse than the best caption without: the word is unknown, not absent.
            BlockedTokens: options.AllowUnknown ? [Vocabulary.Pad, Vocabulary.Start] : [Vocabulary.Pad, Vocabulary.Start, Vocabulary.Unknown]);
        using var scope = torch.NewDisposeScope();
        var hypotheses = options.Sampling is { } sampling
            ? Network.SampleFromRegions(regions, decode, sampling, options.Alternatives)
            : Network.GenerateFromRegions(regions, decode);
        int gridH = Network.Encoder.GridHeight, gridW = Network.Encoder.GridWidth;
        var results = new List<CaptionResult>(hypotheses.Count);
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var best = hypotheses[i][0];
            var words = best.Tokens.Select(Vocabulary.Token).ToList();
            // One map per word; the map that produced <end> is dropped (it has no word to show it on).
            var maps = (best.Attention ?? []).Take(words.Count).ToArray();
            var alternatives = hypotheses[i].Select(h => new CaptionAlternative(Vocabulary.Decode(h.Tokens), h.LogProb, h.Score)).ToList();
            results.Add(new CaptionResult(sources[i], string.Join(' ', words), words, best.LogProb, best.Score,
                best.Finished, new AttentionMaps(gridH, gridW, maps), alternatives));
        }
        return results;
    }

    public void Dispose() => Network.Dispose();
}
