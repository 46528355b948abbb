using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Spotlight.Server;

/// <summary>
/// The last line of defence: anything thrown and not handled becomes a problem+json answer and a log line; the
/// server keeps running. Known request faults the framework raises (a bad or oversized body) keep their 4xx.
/// </summary>
public sealed class UnexpectedErrorHandler(IProblemDetailsService problems, ILogger<UnexpectedErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancel)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            return true;   // the client has gone: there is no one to answer
        var (kind, detail) = exception switch
        {
            ProblemException p => (p.Kind, p.Message),
            BadHttpRequestException b => (Problems.ForStatus(b.StatusCode), b.Message),
            _ => (Problems.Internal, "an unexpected error occurred while handling this request; it has been logged and the server is still running"),
        };
        if (kind.Status >= 500) logger.LogError(exception, "unhandled {Type} on {Method} {Path}", exception.GetType().Name, context.Request.Method, context.Request.Path.Value);
        context.Response.StatusCode = kind.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = ProblemResults.Details(context, kind, detail),
        });
    }
}
