using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Spotlight.Decoding;
using Spotlight.Translation;

namespace Spotlight.Server;

/// <summary>The JSON body of <c>POST /v1/translations</c>: one <c>text</c> or a list of <c>texts</c>, and decoding settings.</summary>
public sealed class TranslationRequest
{
    public string? Text { get; set; }
    public List<string>? Texts { get; set; }
    public int? Beam { get; set; }
    public int? Nbest { get; set; }
    public bool? Attention { get; set; }
    public string? LengthPenalty { get; set; }
    public double? Alpha { get; set; }
}

public sealed record TranslationHypothesisPayload(string Text, IReadOnlyList<string> Pieces, double LogProb, double Score, bool Finished,
    float[][]? Attention);

public sealed record TranslationPayload(string Source, IReadOnlyList<string> SourcePieces, IReadOnlyList<TranslationHypothesisPayload> Hypotheses);

public sealed record TranslationSettings(int Beam, int Nbest, string LengthPenalty, double Alpha);

public sealed record TaskTimings(double QueueMs, double ModelMs, double TotalMs);

public sealed record TranslationResponse(IReadOnlyList<TranslationPayload> Translations, string Model, TranslationSettings Settings, TaskTimings Timings);

/// <summary>
/// <c>POST /v1/translations</c>: the sentences of one request are decoded together in one batched beam search (as
/// <c>spotlight translate</c> does), one request at a time on the model. Every refusal is a problem+json.
/// </summary>
public sealed class TranslationService(ServerOptions options, TranslationBackend backend, AdmissionGate gate) : ITaskService
{
    public const string Example = "{\"text\": \"Ein Hund läuft.\"}";

    public Task<IResult> HandleAsync(HttpContext context) => TaskRequest.HandleAsync(context, options, gate, "translation", async (admit, cancel) =>
    {
        long started = Stopwatch.GetTimestamp();
        using var lease = await admit(cancel);
        var request = await JsonBody.ReadAsync<TranslationRequest>(context.Request, options.MaxBodyBytes, Example, cancel);
        var (sentences, decode, attention) = Validate(request);
        var (results, queue, work) = await backend.Model.RunAsync(t => t.Translate(sentences, decode), cancel);
        var payload = results.Select(r => new TranslationPayload(r.Source, r.SourcePieces, r.Hypotheses.Select(h =>
            new TranslationHypothesisPayload(h.Text, h.Pieces, h.LogProb, h.Score, h.Finished, attention ? h.Attention : null)).ToList())).ToList();
        var settings = new TranslationSettings(decode.Beam, decode.NBest, PenaltyName(decode.LengthPenalty), decode.LengthAlpha);
        var timings = new TaskTimings(queue.TotalMilliseconds, work.TotalMilliseconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Results.Json(new TranslationResponse(payload, backend.Info.Id, settings, timings));
    });

    private (List<string> Sentences, TranslateOptions Decode, bool Attention) Validate(TranslationRequest r)
    {
        if ((r.Text is null) == (r.Texts is null))
            throw new ProblemException(Problems.BadJson, "give exactly one of \"text\" (a string) or \"texts\" (a list of strings)");
        var sentences = r.Texts ?? [r.Text!];
        if (sentences.Count == 0) throw new ProblemException(Problems.BadText, "\"texts\" is empty");
        if (sentences.Count > options.MaxSentences)
            throw new ProblemException(Problems.BadText, $"{sentences.Count} sentences; the limit is {options.MaxSentences} per request");
        for (int i = 0; i < sentences.Count; i++)
            TextFields.Check(sentences[i], r.Texts is null ? "\"text\"" : $"\"texts\"[{i}]", options.MaxSentenceChars, Problems.BadText);
        int beam = r.Beam ?? 5;
        if (beam < 1 || beam > options.MaxBeam) throw Parameter($"\"beam\" must be between 1 and {options.MaxBeam}, got {beam}");
        int nbest = r.Nbest ?? 1;
        if (nbest < 1 || nbest > beam) throw Parameter($"\"nbest\" must be between 1 and the beam ({beam}), got {nbest}");
        var penalty = (r.LengthPenalty ?? "gnmt") switch
        {
            "none" => LengthPenaltyKind.None,
            "avg" => LengthPenaltyKind.Average,
            "gnmt" => LengthPenaltyKind.Gnmt,
            var other => throw Parameter($"\"length_penalty\" must be none, avg or gnmt, got '{JsonBody.Clip(other, 60)}'"),
        };
        double alpha = r.Alpha ?? 0.6;
        if (!double.IsFinite(alpha) || alpha < 0 || alpha > 5) throw Parameter($"\"alpha\" must be between 0 and 5, got {alpha}");
        // Length limits as `spotlight translate` has them (1.5 × source + 10 subwords); one batch for the request.
        var decode = new TranslateOptions(Beam: beam, NBest: nbest, LengthPenalty: penalty, LengthAlpha: alpha, BatchSize: options.MaxSentences);
        return (sentences, decode, r.Attention ?? false);
    }

    private static string PenaltyName(LengthPenaltyKind kind) => kind switch
    {
        LengthPenaltyKind.None => "none",
        LengthPenaltyKind.Average => "avg",
        _ => "gnmt",
    };

    private static ProblemException Parameter(string detail) => new(Problems.BadSetting, detail);
}
