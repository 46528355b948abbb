namespace Spotlight.Server;

/// <summary>The JSON answer of <c>POST /v1/captions</c> (property names are written in snake_case).</summary>
public sealed record CaptionResponse(
    string Caption,
    IReadOnlyList<string> Tokens,
    double Logprob,
    double Score,
    bool Finished,
    string Model,
    ImageSummary Image,
    CaptionSettings Settings,
    CaptionTimings Timings,
    AttentionPayload? Attention,
    IReadOnlyList<AlternativePayload>? Alternatives)
{
    /// <summary>With layer_maps=true and a Transformer captioner: each layer's and head's map per word, [layer][head][word][region].</summary>
    public float[][][][]? Layers { get; init; }
}

/// <summary>What the header said about the uploaded image.</summary>
public sealed record ImageSummary(string Format, int Width, int Height, long Bytes);

/// <summary>The decoding settings used (defaults filled in).</summary>
public sealed record CaptionSettings(int Beam, int? MaxLength, int Alternatives)
{
    public int MinLength { get; init; }
    public int NoRepeatNgram { get; init; }
    public double RepetitionPenalty { get; init; } = 1;
    public string LengthPenalty { get; init; } = "average";
    public double LengthAlpha { get; init; }
    /// <summary>Null unless the caption was sampled.</summary>
    public SamplingSettings? Sampling { get; init; }

    public static CaptionSettings Of(Captioning.CaptionOptions o) => new(o.Beam, o.MaxLength, o.Alternatives)
    {
        MinLength = o.MinLength, NoRepeatNgram = o.NoRepeatNgram, RepetitionPenalty = o.RepetitionPenalty,
        LengthPenalty = o.LengthPenalty.ToString().ToLowerInvariant(), LengthAlpha = o.LengthAlpha,
        Sampling = o.Sampling is { } s ? new SamplingSettings(s.Temperature, s.TopK, s.TopP, s.Seed) : null,
    };
}

/// <summary>How a sampled caption was drawn.</summary>
public sealed record SamplingSettings(double Temperature, int TopK, double TopP, long Seed);

/// <summary>Milliseconds waiting for a batch, in the batch's decode, and from request start to answer.</summary>
public sealed record CaptionTimings(double QueueMs, double DecodeMs, double TotalMs, int BatchSize);

/// <summary>One row of GridHeight·GridWidth weights (row-major over the encoder's grid) per token.</summary>
public sealed record AttentionPayload(int GridHeight, int GridWidth, float[][] Weights);

public sealed record AlternativePayload(string Caption, double Logprob, double Score);

/// <summary>Body of <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed record HealthStatus(string Status, string? Model);
