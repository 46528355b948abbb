using Microsoft.AspNetCore.Http;

namespace Spotlight.Server;

/// <summary>
/// What the handlers of served tasks share (translation, inpainting, a task of your own): the request time limit (504
/// when it runs out), admission through the gate (429 when the queue is full; the handler calls <c>admit</c> when it
/// is ready to read the body), and every <see cref="ProblemException"/> answered as problem+json.
/// </summary>
public static class TaskRequest
{
    public static async Task<IResult> HandleAsync(HttpContext context, ServerOptions options, AdmissionGate gate, string what,
        Func<Func<CancellationToken, Task<IDisposable>>, CancellationToken, Task<IResult>> handle)
    {
        using var timeout = new CancellationTokenSource(options.RequestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        try
        {
            return await handle(Admit, linked.Token);
        }
        catch (ProblemException e)
        {
            return ProblemResults.For(context, e.Kind, e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            return ProblemResults.For(context, Problems.Timeout, $"no {what} within {options.RequestTimeout.TotalSeconds:0.###} s (the server is busy)");
        }

        async Task<IDisposable> Admit(CancellationToken cancel) => await gate.TryEnterAsync(cancel)
            ?? throw new ProblemException(Problems.Overloaded, $"{gate.InFlight} requests are in flight and {gate.Waiting} waiting; retry later");
    }
}
