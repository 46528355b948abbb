using Spotlight.Decoding;
using static TorchSharp.torch;

namespace Spotlight.Tests.Decoding;

/// <summary>
/// The toy's state held the way KeyValueCache holds a Transformer's: one mutable object that owns its tensors outside
/// every dispose scope, selects in place, and lists no tensors for the decoder to manage. The caller disposes it.
/// </summary>
internal sealed class InPlaceState : IDecoderState, IDisposable
{
    private ToyState current;

    public InPlaceState(ToyState initial)
    {
        using var all = arange(initial.H.shape[0]);
        current = Own((ToyState)initial.Select(all));       // a private copy: the caller's tensors stay the caller's
    }

    public IEnumerable<Tensor> Tensors => [];

    public IDecoderState Select(Tensor rowIndices)
    {
        Replace((ToyState)current.Select(rowIndices));
        return this;
    }

    /// <summary>Runs the toy's step on the held tensors and keeps the result in place.</summary>
    public static StepOutput Step(ToyModel model, Tensor tokens, IDecoderState state)
    {
        var self = (InPlaceState)state;
        var output = model.Step(tokens, self.current);
        self.Replace((ToyState)output.State);
        return output with { State = self };
    }

    public void Dispose()
    {
        foreach (var tensor in current.Tensors) tensor.Dispose();
    }

    private void Replace(ToyState next)
    {
        var old = current;
        current = Own(next);
        // Bias and Memory pass through the toy's step unchanged: free only what the new state no longer holds.
        foreach (var tensor in old.Tensors.Where(t => !current.Tensors.Any(kept => ReferenceEquals(kept, t))))
            tensor.Dispose();
    }

    private static ToyState Own(ToyState state)
    {
        foreach (var tensor in state.Tensors) tensor.DetachFromDisposeScope();
        return state;
    }
}
