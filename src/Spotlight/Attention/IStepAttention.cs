using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// One query vector per item attends over a fixed memory: the shape of attention in the captioning decoder and in RNN
/// translation decoders. Prepare once per sequence, then Attend at every step.
/// </summary>
/// <remarks>
/// Every implementation is also a TorchSharp module. A field typed as this interface is not found by
/// <c>RegisterComponents()</c>; register it yourself, e.g. <c>register_module("attention", (nn.Module)attention)</c>.
/// </remarks>
public interface IStepAttention
{
    /// <summary>memory (batch, n, memoryDim), mask (batch, n) bool with true = may be attended, or null.</summary>
    AttentionMemory Prepare(Tensor memory, Tensor? mask);

    /// <summary>query (batch, queryDim) → context (batch, ContextDim), weights (batch, n).</summary>
    (Tensor Context, Tensor Weights) Attend(AttentionMemory memory, Tensor query);

    /// <summary>Size of the context vector that <see cref="Attend"/> returns.</summary>
    int ContextDim { get; }
}
