using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Spotlight.Server;

/// <summary>
/// Outermost middleware: the request's ID (the client's <c>X-Request-ID</c> when it is a sane token, else a new
/// one; echoed in the response header, in problem+json as <c>request_id</c>, and in every log line of the request),
/// one structured log line per request (method, path, status, latency, image bytes and pixels) and the request
/// metrics. It sees the final status, after the exception handler, the 401s and the 429s.
/// </summary>
public sealed class RequestLog(RequestDelegate next, ServerMetrics metrics, ILogger<RequestLog> logger)
{
    /// <summary>Status logged for a request whose client went away before an answer (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    private static readonly object ImageKey = new();

    private sealed record ImageSize(long Bytes, long? Pixels);

    /// <summary>Called by the caption endpoint as it learns the image's size.</summary>
    public static void SetImage(HttpContext context, long bytes, long? pixels) => context.Items[ImageKey] = new ImageSize(bytes, pixels);

    public const string RequestIdHeader = "X-Request-ID";

    /// <summary>A client's ID is kept when it is 1-128 of [A-Za-z0-9._:-] (nothing that could forge a log line).</summary>
    public static string RequestId(HttpRequest request) =>
        request.Headers[RequestIdHeader].ToString() is { Length: > 0 and <= 128 } given && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-')
            ? given : Guid.NewGuid().ToString("N");

    public async Task InvokeAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        var id = RequestId(context.Request);
        context.TraceIdentifier = id;
        context.Response.Headers[RequestIdHeader] = id;
        // Its own key: ASP.NET's hosting scope already has a "RequestId" (the connection's, taken before this one).
        using var scope = logger.BeginScope("request_id={request_id}", id);
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            int status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted
                ? ClientClosedRequest : context.Response.StatusCode;
            // The route template, not the path, labels metrics, so odd paths cannot grow the series without bound.
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.ObserveRequest(route, status, elapsed.TotalSeconds);
            var path = context.Request.Path.Value ?? "";
            if (path.Length > 200) path = path[..200];
            double ms = Math.Round(elapsed.TotalMilliseconds, 2);
            if (context.Items[ImageKey] is ImageSize image)
                logger.LogInformation("{Method} {Path} {Status} {LatencyMs} ms image_bytes={ImageBytes} image_pixels={ImagePixels} request_id={RequestId}",
                    context.Request.Method, path, status, ms, image.Bytes, image.Pixels, id);
            else
                logger.LogInformation("{Method} {Path} {Status} {LatencyMs} ms request_id={RequestId}", context.Request.Method, path, status, ms, id);
        }
    }
}
