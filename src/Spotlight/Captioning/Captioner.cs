using Spotlight.Decoding;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>Show, Attend and Tell: a CNN encoder and an attention LSTM decoder.</summary>
public sealed class Captioner : nn.Module
{
    private readonly SmallCnnEncoder encoder;
    private readonly AttentionDecoder decoder;

    public Captioner(CaptionerConfig config) : base(nameof(Captioner))
    {
        config.Validate();
        Config = config;
        encoder = new SmallCnnEncoder(config.EncoderConfig);
        decoder = new AttentionDecoder(config, encoder.FeatureDim);
        RegisterComponents();
    }

    public CaptionerConfig Config { get; }
    public IImageEncoder Encoder => encoder;
    public AttentionDecoder Decoder => decoder;

    /// <summary>Teacher forcing: tokens (batch, T) = &lt;start&gt; w₁ … &lt;end&gt; &lt;pad&gt;…; predicts tokens[:, 1:].</summary>
    public (Tensor Logits, Tensor Alphas) forward(Tensor images, Tensor tokens)
    {
        var regions = encoder.Encode(images);                               // (batch, n, dim)
        return decoder.forward(regions, tokens[.., ..^1]);                  // (batch, T-1, vocab), (batch, T-1, n)
    }

    /// <summary>Captions a batch of preprocessed images in one batched search (beam 1 = greedy).</summary>
    public IReadOnlyList<IReadOnlyList<Hypothesis>> Generate(Tensor images, DecodeOptions options)
    {
        using var noGrad = torch.no_grad();
        var regions = encoder.Encode(images);
        var initial = decoder.Start(regions);
        int batch = (int)images.shape[0];
        if (options.BeamSize <= 1 && options.NBest <= 1)
            return Greedy.Decode(decoder.DecodeStep, initial, batch, options).Select(h => (IReadOnlyList<Hypothesis>)[h]).ToList();
        return BeamSearch.Decode(decoder.DecodeStep, initial, batch, options);
    }
}
