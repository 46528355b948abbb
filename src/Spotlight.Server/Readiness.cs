using Microsoft.Extensions.Hosting;

namespace Spotlight.Server;

/// <summary>Ready = warmed up and not stopping: a stopping server tells load balancers to send no more.</summary>
public sealed class Readiness
{
    private readonly CaptionBatcher batcher;
    private volatile bool stopping;

    public Readiness(CaptionBatcher batcher, IHostApplicationLifetime lifetime)
    {
        this.batcher = batcher;
        lifetime.ApplicationStopping.Register(() => stopping = true);
    }

    public bool IsReady => batcher.IsReady && !stopping;
    public bool Stopping => stopping;
    public string? WarmUpError => batcher.WarmUpError;
}
