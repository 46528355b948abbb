using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Transformer;

/// <summary>Position-wise feed-forward network (Vaswani et al. 2017, eq. 2): W_2 dropout(ReLU(W_1 x + b_1)) + b_2.</summary>
public sealed class FeedForward : Module<Tensor, Tensor>
{
    private readonly Linear expand;
    private readonly Dropout dropout;
    private readonly Linear contract;

    public FeedForward(int modelDim, int hiddenDim, double dropoutRate) : base(nameof(FeedForward))
    {
        expand = Linear(modelDim, hiddenDim);
        dropout = Dropout(dropoutRate);
        contract = Linear(hiddenDim, modelDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => contract.forward(dropout.forward(functional.relu(expand.forward(x))));
}
