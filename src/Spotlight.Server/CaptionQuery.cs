using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Spotlight.Server;

/// <summary>
/// The query of <c>POST /v1/captions</c>, parsed and range-checked here (not by model binding) so that every
/// mistake gets a 400 saying which parameter, what was given and what is allowed.
/// </summary>
public sealed record CaptionQuery(int Beam, int? MaxLength, bool Attention, int Alternatives, bool ListAlternatives)
{
    public static readonly IReadOnlyList<string> Names = ["beam", "max_length", "attention", "alternatives"];

    /// <summary>Requests with equal settings can share a batch; attention is only a view of the same decode.</summary>
    public BatchKey Key => new(Beam, MaxLength, Alternatives);

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
        if (alternatives > beam)
            throw Bad($"alternatives ({alternatives}) cannot exceed beam ({beam}): a beam of width k keeps k hypotheses");
        return new CaptionQuery(beam, maxLength, attention, alternatives, query.ContainsKey("alternatives"));
    }

    private static int? Int(IQueryCollection query, string name, int min, int max)
    {
        if (Single(query, name) is not string text) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw Bad($"{name} must be an integer from {min} to {max}, got '{Clip(text)}'");
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
}

/// <summary>The settings a batch shares: one batched search runs with one beam, length limit and n-best.</summary>
public readonly record struct BatchKey(int Beam, int? MaxLength, int Alternatives);
