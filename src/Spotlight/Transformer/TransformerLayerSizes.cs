using System.Text.Json.Serialization;

namespace Spotlight.Transformer;

/// <summary>How a Transformer's positions are told apart: fixed sinusoids (Vaswani et al. 2017, §3.5) or a learned table.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PositionKind>))]
public enum PositionKind { Sinusoidal, Learned }

/// <summary>The sizes of one Transformer layer: model width d, attention heads, feed-forward width, dropout rate.</summary>
public sealed record TransformerLayerSizes(int ModelDim, int Heads, int FeedForwardDim, double Dropout);
