using System.Globalization;
using Microsoft.AspNetCore.Http;
using Spotlight.Captioning;
using Spotlight.Decoding;

namespace Spotlight.Server;

/// <summary>
/// The query of <c>POST /v1/captions</c>, parsed and range-checked here (not by model binding): a parameter that is
/// unknown, repeated or not a number of the right kind is a 400 <c>bad-parameter</c>; a well-formed value out of its
/// range (beam 0, top_p 1.5, alternatives above the beam, …) is a 422 <c>bad-decoding-parameter</c>. Each names the
/// parameter, what was given and what is allowed.
/// </summary>
public sealed record CaptionQuery(int Beam, int? MaxLength, bool Attention, int Alternatives, bool ListAlternatives, bool LayerMaps = false)
{
    public static readonly IReadOnlyList<string> Names =
    [
        "beam", "max_length", "attention", "layer_maps", "alternatives", "min_length", "no_repeat_ngram", "repetition_penalty",
        "length_penalty", "length_alpha", "sample", "temperature", "top_k", "top_p", "seed",
    ];

    private static long soloRequests;

    /// <summary>The decoding settings (the library's, which checked them).</summary>
    public CaptionOptions Decoding { get; init; } = new(Beam, MaxLength, Alternatives: Alternatives);

    /// <summary>0, or a number of this request's own when it must not share a batch (sampling).</summary>
    public long Solo { get; init; }

    /// <summary>
    /// Requests with equal settings can share a batch; attention is only a view of the same decode. A sampled request
    /// never shares one: its draws would depend on the other images in the batch, and a seed must give one answer.
    /// </summary>
    public BatchKey Key => new(Decoding, Solo, LayerMaps);

    public static CaptionQuery Parse(IQueryCollection query, ServerOptions limits)
    {
        foreach (var name in query.Keys)
        {
            if (!Names.Contains(name))
                throw Bad($"unknown query parameter '{Clip(name)}' (known: {string.Join(", ", Names)})");
        }
        int beam = Int(query, "beam", 1, limits.MaxBeam) ?? limits.DefaultBeam;
        int? maxLength = Int(query, "max_length", 1, limits.MaxLength);
        bool attention = Bool(query, "attention") ?? false;
        int alternatives = Int(query, "alternatives", 1, limits.MaxBeam) ?? 1;
        bool sample = Bool(query, "sample") ?? false;
        if (!sample && alternatives > beam)
            throw OutOfRange($"alternatives ({alternatives}) cannot exceed beam ({beam}): a beam of width k keeps k hypotheses");
        if (sample && beam != 1 && query.ContainsKey("beam"))
            throw OutOfRange($"sample=true draws captions word by word: beam must be 1 (or left out), got {beam}");
        if (!sample && (query.ContainsKey("temperature") || query.ContainsKey("top_k") || query.ContainsKey("top_p") || query.ContainsKey("seed")))
            throw OutOfRange("temperature, top_k, top_p and seed need sample=true");
        var sampling = sample
            ? new SamplingOptions(Double(query, "temperature", 1e-3, 100) ?? 1.0, Int(query, "top_k", 0, 100_000) ?? 0,
                Double(query, "top_p", 1e-9, 1) ?? 1.0, Long(query, "seed") ?? 0)
            : null;
        var penalty = Single(query, "length_penalty") switch
        {
            null or "average" => LengthPenaltyKind.Average,
            "gnmt" => LengthPenaltyKind.Gnmt,
            "none" => LengthPenaltyKind.None,
            var other => throw OutOfRange($"length_penalty must be average, gnmt or none, got '{Clip(other)}'"),
        };
        var decoding = new CaptionOptions(sample ? 1 : beam, maxLength, Double(query, "length_alpha", 0, 5) ?? 0, alternatives)
        {
            LengthPenalty = penalty, MinLength = Int(query, "min_length", 0, limits.MaxLength) ?? 0,
            NoRepeatNgram = Int(query, "no_repeat_ngram", 0, 10) ?? 0, RepetitionPenalty = Double(query, "repetition_penalty", 1, 10) ?? 1.0,
            Sampling = sampling,
        };
        try { decoding.Validate(); }
        catch (SpotlightException e) { throw OutOfRange(e.Message); }
        return new CaptionQuery(decoding.Beam, maxLength, attention, alternatives, query.ContainsKey("alternatives"), Bool(query, "layer_maps") ?? false)
        {
            Decoding = decoding,
            Solo = sample ? Interlocked.Increment(ref soloRequests) : 0,
        };
    }

    private static int? Int(IQueryCollection query, string name, int min, int max)
    {
        if (Single(query, name) is not string text) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            throw Bad($"{name} must be an integer from {min} to {max}, got '{Clip(text)}'");
        if (value < min || value > max) throw OutOfRange($"{name} must be an integer from {min} to {max}, got '{Clip(text)}'");
        return value;
    }

    private static long? Long(IQueryCollection query, string name)
    {
        if (Single(query, name) is not string text) return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw Bad($"{name} must be an integer, got '{Clip(text)}'");
        return value;
    }

    private static double? Double(IQueryCollection query, string name, double min, double max)
    {
        if (Single(query, name) is not string text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Bad($"{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got '{Clip(text)}'");
        if (value < min || value > max)
            throw OutOfRange($"{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got '{Clip(text)}'");
        return value;
    }

    private static bool? Bool(IQueryCollection query, string name)
    {
        if (Single(query, name) is not string text) return null;
        return text.ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw Bad($"{name} must be true or false, got '{Clip(text)}'"),
        };
    }

    private static string? Single(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values)) return null;
        if (values.Count != 1) throw Bad($"{name} is given {values.Count} times; give it once");
        return values[0] ?? "";
    }

    /// <summary>Echoed values are cut short so a huge parameter cannot make a huge error.</summary>
    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static ProblemException Bad(string detail) => new(Problems.BadParameter, detail);
    private static ProblemException OutOfRange(string detail) => new(Problems.BadDecoding, detail);
}

/// <summary>The settings a batch shares: one batched search runs with one set of decoding options.</summary>
/// <param name="Options">the decoding settings</param>
/// <param name="Solo">0, or a number of its own for a request that must not share its batch</param>
/// <param name="LayerMaps">whether the batch also computes each Transformer layer's and head's maps</param>
public readonly record struct BatchKey(CaptionOptions Options, long Solo, bool LayerMaps = false);
