using Spotlight.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// An encoder-decoder network. Training calls <see cref="Forward"/> (teacher forcing); decoding calls
/// <see cref="Begin"/> once and then <see cref="Step"/> through <see cref="Greedy"/> or <see cref="BeamSearch"/>.
/// Shapes: source (batch, S) int64 padded with 0, sourceMask (batch, S) bool true = real token,
/// targetIn (batch, T) int64 starting with &lt;start&gt;.
/// </summary>
public abstract class Seq2SeqModel : nn.Module
{
    protected Seq2SeqModel(string name, TranslatorConfig config) : base(name)
    {
        config.Validate();
        Config = config;
    }

    public TranslatorConfig Config { get; }

    /// <summary>Logits (batch, T, targetVocab) and attention (batch, T, S), or null for a model without attention.</summary>
    public abstract (Tensor Logits, Tensor? Attention) Forward(Tensor source, Tensor sourceMask, Tensor targetIn);

    /// <summary>Encodes the source once; the state's rows are the batch's items.</summary>
    public abstract IDecoderState Begin(Tensor source, Tensor sourceMask);

    /// <summary>One decoding step: log-probabilities (rows, targetVocab), the next state, attention (rows, S) or null.</summary>
    public abstract StepOutput Step(Tensor tokens, IDecoderState state);

    /// <summary>Frees what a state owns outside dispose scopes (the Transformer's key/value caches).</summary>
    public virtual void Release(IDecoderState state) { }

    /// <summary>The target-side embedding matrix (targetVocab, dim): row i is subword i's vector as the decoder reads it.</summary>
    public abstract Tensor TargetEmbeddings { get; }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Builds the network a config describes.</summary>
    public static Seq2SeqModel Create(TranslatorConfig config) => config.Arch switch
    {
        TranslatorArch.RnnSearch => new RnnSearchModel(config),
        TranslatorArch.Luong => new LuongModel(config),
        TranslatorArch.NoAttention => new NoAttentionModel(config),
        TranslatorArch.Transformer => new TransformerModel(config),
        _ => throw new SpotlightException($"translator config: unknown architecture {config.Arch}"),
    };
}
