using Microsoft.Extensions.Hosting;

namespace Spotlight.Server;

/// <summary>
/// Ready = every loaded task ready (the captioner warmed up …) and not stopping: a stopping server tells load balancers
/// to send no more. A server with no model loaded is not ready.
/// </summary>
public sealed class Readiness
{
    private readonly ServedTasks tasks;
    private volatile bool stopping;

    public Readiness(ServedTasks tasks, IHostApplicationLifetime lifetime)
    {
        this.tasks = tasks;
        lifetime.ApplicationStopping.Register(() => stopping = true);
    }

    public bool IsReady => !stopping && NotReadyDetail is null;
    public bool Stopping => stopping;

    /// <summary>Why the server is not ready, stopping aside: the first loaded task's reason, or that none is loaded.</summary>
    public string? NotReadyDetail
    {
        get
        {
            bool any = false;
            foreach (var (task, _) in tasks.Loaded)
            {
                any = true;
                if (task.Readiness is { IsReady: false } not) return not.Detail ?? $"the {task.Name} model is not ready";
            }
            return any ? null : "no model is loaded";
        }
    }
}
