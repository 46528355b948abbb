using Spotlight.Decoding;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>
/// A CNN encoder (small from-scratch or pretrained) and a decoder that attends over its regions: Show, Attend and
/// Tell's LSTM/GRU (<see cref="AttentionDecoder"/>) or a Transformer (<see cref="TransformerCaptionDecoder"/>).
/// </summary>
public sealed class Captioner : nn.Module
{
    private readonly nn.Module<Tensor, Tensor> encoder;
    private readonly nn.Module decoder;   // an ICaptionDecoder; the field's name is the parameters' prefix in model files
    private readonly Lock runtimeGate = new();
    private OnnxResNetEncoder? onnxEncoder;   // the frozen trunk in ONNX Runtime, exported on first use
    private OnnxCaptionSteps? onnxSteps;      // the decoder in ONNX Runtime, exported on first use

    public Captioner(CaptionerConfig config) : base(nameof(Captioner))
    {
        config.Validate();
        Config = config;
        encoder = config.Pretrained?.Create()
            ?? (config.Vit is { } vit ? new VisionTransformer(vit) : new SmallCnnEncoder(config.EncoderConfig));
        var regions = (IImageEncoder)encoder;
        decoder = config.Cell == DecoderCellKind.Transformer
            ? new TransformerCaptionDecoder(config, regions.FeatureDim, regions.GridHeight, regions.GridWidth)
            : new AttentionDecoder(config, regions.FeatureDim);
        RegisterComponents();
        if (config.Pretrained is { } pretrained) Freeze(pretrained);
    }

    public CaptionerConfig Config { get; }
    public IImageEncoder Encoder => (IImageEncoder)encoder;
    public nn.Module EncoderModule => encoder;
    public ICaptionDecoder Decoder => (ICaptionDecoder)decoder;

    /// <summary>A pretrained encoder none of whose parameters learn: its features can be computed once and cached.</summary>
    public bool EncoderFrozen => Config.Pretrained is { TrainableBlocks: 0 };

    /// <summary>
    /// Which engine runs a frozen ResNet encoder on the CPU (feature caching, captioning, evaluation, serving).
    /// ONNX Runtime by default: it gives the same regions (tests hold them within 1e-4 of the largest value) faster than
    /// libtorch where oneDNN is capped (docs/real-photos.md has the measurement). The ONNX graph is exported from the
    /// encoder's weights on first use, so load the weights first; fine-tuned and non-ResNet encoders use libtorch.
    /// </summary>
    public InferenceRuntime EncoderRuntime { get; set; } = InferenceRuntime.OnnxRuntime;

    /// <summary>
    /// Which engine runs the decoder's steps when captioning (training's forward passes always use libtorch).
    /// libtorch by default; ONNX Runtime runs the decoder's <see cref="CaptionerOnnx"/> export with the same search,
    /// 1.6–3x faster here (bench onnx-decoder). The export is made on first use from the weights then loaded and made
    /// again after <see cref="train"/>; set it only where the weights no longer change between decodes otherwise (the
    /// CLI's caption, eval and serve do; self-critical training samples and learns in eval mode, so it keeps libtorch).
    /// A decoder off the CPU always uses libtorch.
    /// </summary>
    public InferenceRuntime DecoderRuntime { get; set; } = InferenceRuntime.LibTorch;

    /// <summary>The start state and step the searches use: the decoder itself, or its ONNX Runtime copy.</summary>
    private ICaptionStepper Stepper()
    {
        if (DecoderRuntime != InferenceRuntime.OnnxRuntime || decoder.parameters().First().device.type != DeviceType.CPU) return Decoder;
        lock (runtimeGate) return onnxSteps ??= new OnnxCaptionSteps(this);
    }

    /// <summary>Teacher forcing: tokens (batch, T) = &lt;start&gt; w₁ … &lt;end&gt; &lt;pad&gt;…; predicts tokens[:, 1:].</summary>
    public (Tensor Logits, Tensor Alphas) forward(Tensor images, Tensor tokens) => ForwardRegions(EncodeImages(images), tokens);

    /// <summary>
    /// The same from region features already computed (a feature cache): regions (batch, n, dim). A row stops being
    /// computed after its last non-pad target (its later logits and α are zeros, which the loss ignores).
    /// </summary>
    public (Tensor Logits, Tensor Alphas) ForwardRegions(Tensor regions, Tensor tokens, long padId = 0)
    {
        var steps = tokens[.., 1..].ne(padId).sum(1);                            // (batch,) targets to predict per row
        return Decoder.forward(regions, tokens[.., ..^1], steps);                // (batch, T-1, vocab), (batch, T-1, n)
    }

    /// <summary>images (batch, 3, H, W) → regions (batch, n, dim); no autograd graph through a frozen encoder.</summary>
    public Tensor EncodeImages(Tensor images)
    {
        if (!EncoderFrozen) return Encoder.Encode(images);
        using var noGrad = torch.no_grad();
        return (OnnxEncoder() ?? Encoder).Encode(images);
    }

    /// <summary>The ONNX Runtime copy of a frozen ResNet trunk on the CPU, when <see cref="EncoderRuntime"/> asks for it.</summary>
    private OnnxResNetEncoder? OnnxEncoder()
    {
        if (EncoderRuntime != InferenceRuntime.OnnxRuntime || !EncoderFrozen || encoder is not ResNetEncoder resnet
            || resnet.parameters().First().device.type != DeviceType.CPU) return null;
        lock (runtimeGate) return onnxEncoder ??= new OnnxResNetEncoder(resnet);
    }

    /// <summary>A pretrained encoder always runs in eval mode: its BatchNorm statistics stay the ImageNet ones.</summary>
    /// <remarks>
    /// Training mode also drops the ONNX Runtime copy of the decoder: it holds the weights of when it was exported, and
    /// training changes them, so the next decode after it exports the current ones. (eval() keeps it: captioning calls
    /// it before every batch.)
    /// </remarks>
    public override void train(bool on = true)
    {
        base.train(on);
        if (Config.Pretrained is not null) encoder.eval();
        if (!on) return;
        lock (runtimeGate)
        {
            onnxSteps?.Dispose();
            onnxSteps = null;
        }
    }

    /// <summary>Captions a batch of preprocessed images in one batched search (beam 1 = greedy).</summary>
    public IReadOnlyList<IReadOnlyList<Hypothesis>> Generate(Tensor images, DecodeOptions options)
    {
        using var noGrad = torch.no_grad();
        return GenerateFromRegions(EncodeImages(images), options);
    }

    /// <summary>The same from region features (batch, n, dim).</summary>
    public IReadOnlyList<IReadOnlyList<Hypothesis>> GenerateFromRegions(Tensor regions, DecodeOptions options)
    {
        using var noGrad = torch.no_grad();
        if (decoder is TransformerCaptionDecoder transformer && options.MaxLength > transformer.MaxPositions)
            throw new SpotlightException($"max length {options.MaxLength} is more than this Transformer captioner's {transformer.MaxPositions} positions");
        var stepper = Stepper();
        var initial = stepper.Start(regions);
        try
        {
            int batch = (int)regions.shape[0];
            if (options.BeamSize <= 1 && options.NBest <= 1)
                return Greedy.Decode(stepper.DecodeStep, initial, batch, options).Select(h => (IReadOnlyList<Hypothesis>)[h]).ToList();
            return BeamSearch.Decode(stepper.DecodeStep, initial, batch, options);
        }
        finally
        {
            stepper.Release(initial);
        }
    }

    /// <summary>
    /// <paramref name="samples"/> captions drawn per image from regions (batch, n, dim), each image's best-scored
    /// first (all images' samples are drawn in one batched decode, image by image in row order).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Hypothesis>> SampleFromRegions(Tensor regions, DecodeOptions options, SamplingOptions sampling, int samples = 1)
    {
        using var noGrad = torch.no_grad();
        if (decoder is TransformerCaptionDecoder transformer && options.MaxLength > transformer.MaxPositions)
            throw new SpotlightException($"max length {options.MaxLength} is more than this Transformer captioner's {transformer.MaxPositions} positions");
        using var scope = torch.NewDisposeScope();
        var rows = samples == 1 ? regions : regions.repeat_interleave(samples, 0);
        var stepper = Stepper();
        var initial = stepper.Start(rows);
        try
        {
            var drawn = Sampler.Decode(stepper.DecodeStep, initial, (int)rows.shape[0], options, sampling);
            return [.. drawn.Chunk(samples).Select(group => (IReadOnlyList<Hypothesis>)[.. group.OrderByDescending(h => h.Score)])];
        }
        finally
        {
            stepper.Release(initial);
        }
    }

    /// <summary>
    /// A Transformer's cross-attention per layer and head for captions already written: regions (batch, n, dim),
    /// tokens (batch, T) starting with &lt;start&gt; → (batch, layers, heads, T, n), the maps of the words
    /// tokens[:, 1..] (and of what followed the last token). Averaged over layers and heads these are the maps decoding
    /// returns. A recurrent decoder has one map per word, which its decoding already returns: null.
    /// </summary>
    public Tensor? CrossAttentionMaps(Tensor regions, Tensor tokens)
    {
        if (decoder is not TransformerCaptionDecoder transformer) return null;
        using var noGrad = torch.no_grad();
        return transformer.CrossAttentionMaps(regions, tokens);
    }

    /// <summary>Encoder parameters that learn: those of the last <c>TrainableBlocks</c> blocks (none when frozen).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> TrainableEncoderParameters() =>
        encoder.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.parameter);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            onnxEncoder?.Dispose();
            onnxSteps?.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Freeze(PretrainedEncoderConfig pretrained)
    {
        var blocks = pretrained.Blocks();
        if (pretrained.TrainableBlocks > blocks.Count)
            throw new SpotlightException($"{pretrained.Arch} has {blocks.Count} blocks; cannot fine-tune the last {pretrained.TrainableBlocks}");
        var trainable = blocks.Skip(blocks.Count - pretrained.TrainableBlocks).SelectMany(b => b).ToArray();
        foreach (var (name, parameter) in encoder.named_parameters())
            parameter.requires_grad = trainable.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
    }
}

/// <summary>The engine that runs a frozen pretrained encoder or a recurrent decoder at inference.</summary>
public enum InferenceRuntime
{
    LibTorch,
    OnnxRuntime,
}
