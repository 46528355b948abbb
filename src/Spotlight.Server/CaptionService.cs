using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Spotlight.Server;

/// <summary>
/// <c>POST /v1/captions</c> from start to end: parameters, admission, body, header check, decode and preprocessing
/// (on the request's own thread), then the batcher, then the JSON answer. Every refusal is a problem+json.
/// </summary>
public sealed class CaptionService(
    ServerOptions options, ICaptionBackend backend, CaptionBatcher batcher, AdmissionGate gate, ServerMetrics metrics)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.RequestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        try
        {
            var query = CaptionQuery.Parse(context.Request.Query, options);
            if (batcher.WarmUpError is string error)
                throw new ProblemException(Problems.NotReady, $"the model failed its warm-up decode: {error}");
            using var lease = await gate.TryEnterAsync(linked.Token) ?? throw Overloaded(context);
            var upload = await ImageUpload.ReadAsync(context.Request, options.MaxBodyBytes, linked.Token);
            RequestLog.SetImage(context, upload.Data.Length, null);
            var image = ImageInput.Prepare(upload, backend.Info.Preprocessing, options.MaxPixels);
            RequestLog.SetImage(context, image.Bytes, image.Header.Pixels);
            metrics.ObserveImage(image.Bytes, image.Header.Pixels);
            var caption = await batcher.SubmitAsync(image.Chw, query.Key, upload.Name, linked.Token).WaitAsync(linked.Token);
            return Results.Json(Answer(query, image, caption, Stopwatch.GetElapsedTime(started)));
        }
        catch (ProblemException e)
        {
            return ProblemResults.For(context, e.Kind, e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            return ProblemResults.For(context, Problems.Timeout,
                $"no caption within {options.RequestTimeout.TotalSeconds:0.###} s (the server is busy or the image is slow to decode)");
        }
    }

    private CaptionResponse Answer(CaptionQuery query, PreparedImage image, BatchedCaption caption, TimeSpan total)
    {
        var r = caption.Result;
        var header = image.Header;
        return new CaptionResponse(
            r.Caption, r.Tokens, r.LogProb, r.Score, r.Finished, backend.Info.Id,
            new ImageSummary(header.Format, header.DisplayWidth, header.DisplayHeight, image.Bytes),
            CaptionSettings.Of(query.Decoding),
            new CaptionTimings(caption.Queue.TotalMilliseconds, caption.Decode.TotalMilliseconds, total.TotalMilliseconds, caption.BatchSize),
            query.Attention ? new AttentionPayload(r.Attention.GridHeight, r.Attention.GridWidth, r.Attention.Weights) : null,
            query.ListAlternatives ? r.Alternatives.Select(a => new AlternativePayload(a.Caption, a.LogProb, a.Score)).ToList() : null)
        {
            Layers = caption.Layers,
        };
    }

    /// <summary>429 with a Retry-After guessed from the work ahead: queued requests over batch size × mean batch time.</summary>
    private ProblemException Overloaded(HttpContext context)
    {
        var (_, sum, count) = metrics.BatchSeconds.Snapshot();
        double meanBatch = count > 0 ? sum / count : 0.1;
        double seconds = Math.Ceiling((gate.InFlight + gate.Waiting) / (double)options.MaxBatch * meanBatch);
        context.Response.Headers.RetryAfter = Math.Clamp(seconds, 1, 60).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemException(Problems.Overloaded,
            $"{gate.InFlight} requests are being captioned and {gate.Waiting} are waiting (limits {options.MaxConcurrency} and {options.MaxQueue}); retry later");
    }
}
