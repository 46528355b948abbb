using System.Diagnostics;

namespace Spotlight.Server;

/// <summary>
/// A model that runs one request at a time, off the request thread. A request that gives up (timeout, client gone)
/// stops waiting, but work already started runs to its end before the next begins, so the model is never shared.
/// </summary>
public sealed class ExclusiveModel<T>(T model) : IDisposable where T : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);

    /// <summary>The answer, the time spent waiting for the model and the time it worked.</summary>
    public async Task<(TResult Result, TimeSpan Queue, TimeSpan Work)> RunAsync<TResult>(Func<T, TResult> work, CancellationToken cancel)
    {
        long queued = Stopwatch.GetTimestamp();
        await turn.WaitAsync(cancel);
        var queue = Stopwatch.GetElapsedTime(queued);
        Task<(TResult, TimeSpan)> running;
        try
        {
            running = Task.Run(() =>
            {
                try
                {
                    long started = Stopwatch.GetTimestamp();
                    var result = work(model);
                    return (result, Stopwatch.GetElapsedTime(started));
                }
                finally
                {
                    turn.Release();
                }
            }, CancellationToken.None);
        }
        catch
        {
            turn.Release();
            throw;
        }
        var (answer, worked) = await running.WaitAsync(cancel);
        return (answer, queue, worked);
    }

    /// <summary>Waits for running work, then disposes the model.</summary>
    public void Dispose()
    {
        turn.Wait(TimeSpan.FromSeconds(30));
        model.Dispose();
    }
}
