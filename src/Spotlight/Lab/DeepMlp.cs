using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Lab;

/// <summary>The five networks of the vanishing-gradient experiment: one deep MLP, five ways to make its blocks.</summary>
public enum MlpVariant
{
    /// <summary>Linear → sigmoid: σ′ ≤ 1/4, so every layer shrinks the backpropagated signal.</summary>
    Sigmoid,
    /// <summary>Linear → tanh: tanh′(0) = 1, so the signal survives until units saturate.</summary>
    Tanh,
    /// <summary>Linear → ReLU: derivative 1 on active units, 0 on the others.</summary>
    Relu,
    /// <summary>Linear → batch norm → ReLU (Ioffe and Szegedy 2015): each layer's input is renormalised.</summary>
    ReluBatchNorm,
    /// <summary>h ← h + σ(W h + b) (He et al. 2016): the identity path carries the gradient past every sigmoid.</summary>
    SigmoidResidual,
}

/// <summary>
/// A deep MLP of <c>Depth</c> hidden layers of <c>Width</c> units and a linear output layer. Every Linear starts from
/// Glorot-uniform weights and zero biases (Keras's default, as in the experiment this reproduces), so for the same
/// seed every variant starts from the same weights. Layer l's weight gradient is what the experiment measures.
/// </summary>
public sealed class DeepMlp : Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;            // hidden layers 1..Depth, then the output layer
    private readonly ModuleList<BatchNorm1d> norms;        // one per hidden layer, ReluBatchNorm only

    public DeepMlp(MlpVariant variant, int inputs, int width, int depth, int classes) : base(nameof(DeepMlp))
    {
        if (depth < 1) throw new SpotlightException($"depth must be ≥ 1, got {depth}");
        if (width < 1) throw new SpotlightException($"width must be ≥ 1, got {width}");
        Variant = variant;
        layers = new ModuleList<Linear>();
        norms = new ModuleList<BatchNorm1d>();
        for (int l = 0; l < depth; l++)
        {
            layers.Add(Linear(l == 0 ? inputs : width, width));
            if (variant == MlpVariant.ReluBatchNorm) norms.Add(BatchNorm1d(width));
        }
        layers.Add(Linear(width, classes));
        foreach (var layer in layers)
        {
            init.xavier_uniform_(layer.weight!);
            init.zeros_(layer.bias!);
        }
        RegisterComponents();
    }

    public MlpVariant Variant { get; }

    /// <summary>Hidden layers, then the output layer; index 0 is the first layer (the one gradients reach last).</summary>
    public IReadOnlyList<Linear> Layers => [.. layers];

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>input (batch, inputs) → logits (batch, classes); each hidden layer's pre-activation is added to
    /// <paramref name="preActivations"/> when given (what the saturation measure reads).</summary>
    public Tensor Forward(Tensor input, List<Tensor>? preActivations)
    {
        var h = input;
        for (int l = 0; l < layers.Count - 1; l++)
        {
            var z = layers[l].forward(h);                                    // (batch, width)
            if (Variant == MlpVariant.ReluBatchNorm) z = norms[l].forward(z);
            preActivations?.Add(z);
            h = Variant switch
            {
                MlpVariant.Sigmoid => sigmoid(z),
                MlpVariant.Tanh => tanh(z),
                MlpVariant.Relu or MlpVariant.ReluBatchNorm => functional.relu(z),
                // The first layer changes the width, so it has no identity path; every later block does.
                MlpVariant.SigmoidResidual => l == 0 ? sigmoid(z) : h + sigmoid(z),
                _ => throw new InvalidOperationException($"unknown variant {Variant}"),
            };
        }
        return layers[^1].forward(h);
    }

    /// <summary>
    /// The fraction of a layer's units that pass almost no gradient, from its pre-activations z (batch, width):
    /// sigmoid and tanh units whose derivative is below 5% of its maximum (|z| &gt; 4.36 for σ, &gt; 2.18 for tanh);
    /// ReLU units that are dead (z ≤ 0 for every example of the batch: a zero gradient for the whole batch).
    /// </summary>
    public double SaturatedFraction(Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return Variant switch
        {
            MlpVariant.Sigmoid or MlpVariant.SigmoidResidual => (sigmoid(z) * (1 - sigmoid(z)) < 0.05 * 0.25).to(float32).mean().item<float>(),
            MlpVariant.Tanh => (1 - tanh(z).square() < 0.05).to(float32).mean().item<float>(),
            _ => (z <= 0).all(0).to(float32).mean().item<float>(),
        };
    }
}
