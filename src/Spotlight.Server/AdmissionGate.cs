namespace Spotlight.Server;

/// <summary>
/// At most <c>maxConcurrency</c> caption requests are admitted at once; up to <c>maxQueue</c> more wait for a slot
/// (oldest first, as <see cref="SemaphoreSlim"/> queues them); beyond that a request is refused at once, before its
/// body is read, so overload costs the server almost nothing.
/// </summary>
public sealed class AdmissionGate(int maxConcurrency, int maxQueue)
{
    private readonly SemaphoreSlim slots = new(maxConcurrency, maxConcurrency);
    private int waiting, inFlight;

    public int InFlight => Volatile.Read(ref inFlight);
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>A lease to dispose when the request is done, or null when the queue is full.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancel)
    {
        if (!slots.Wait(0))
        {
            if (Interlocked.Increment(ref waiting) > maxQueue)
            {
                Interlocked.Decrement(ref waiting);
                return null;
            }
            try
            {
                await slots.WaitAsync(cancel);
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        }
        Interlocked.Increment(ref inFlight);
        return new Lease(this);
    }

    private sealed class Lease(AdmissionGate gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 1) return;
            Interlocked.Decrement(ref gate.inFlight);
            gate.slots.Release();
        }
    }
}
