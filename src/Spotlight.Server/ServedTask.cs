using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Spotlight.Server;

/// <summary>A task's readiness: ready, or why not (the detail of <c>/readyz</c>'s 503).</summary>
public sealed record TaskReadiness(bool IsReady, string? Detail = null)
{
    public static TaskReadiness Ready { get; } = new(true);
}

/// <summary>
/// One served task (captioning, translation, inpainting …) declared in one place: its name and endpoint, the services
/// it needs, its routes (request reading and OpenAPI description included), the card <c>GET /v1/models</c> lists and its
/// readiness. The registry (<see cref="SpotlightServerExtensions"/>) does the rest: <c>/healthz</c>, <c>/readyz</c>,
/// <c>/v1/models</c>, metrics and OpenAPI cover every registered task. A task registered without a model keeps its
/// routes (and their OpenAPI entries), which answer 404 with <see cref="NotServedDetail"/>.
/// </summary>
public abstract class ServedTask : IDisposable
{
    private IDisposable? ownedModel;

    /// <param name="ownedModel">A model the task loaded itself and disposes with itself; null when the caller owns it.</param>
    protected ServedTask(IDisposable? ownedModel = null) => this.ownedModel = ownedModel;

    /// <summary>The task's name in <c>/v1/models</c> and the metrics: "captioning", "translation" …</summary>
    public abstract string Name { get; }

    /// <summary>The route its requests go to.</summary>
    public abstract string Endpoint { get; }

    /// <summary>What <c>GET /v1/models</c> lists; null when the task is registered without a model.</summary>
    public abstract ServedModelInfo? Card { get; }

    /// <summary>Why a request to an unloaded task gets 404, and how to load one.</summary>
    public abstract string NotServedDetail { get; }

    /// <summary>Ready to answer; asked only when <see cref="Card"/> is set.</summary>
    public virtual TaskReadiness Readiness => TaskReadiness.Ready;

    /// <summary>Registers what the task's handlers need (called once, before the container is built).</summary>
    public virtual void AddServices(IServiceCollection services) { }

    /// <summary>Resolves and starts what must run before the first request (a model thread, a warm-up).</summary>
    public virtual void Start(IServiceProvider services) { }

    /// <summary>Maps the task's routes into <paramref name="routes"/>, with their OpenAPI description.</summary>
    public abstract void Map(IEndpointRouteBuilder routes);

    /// <summary>The 404 an unloaded task's handler throws if it is ever reached.</summary>
    protected ProblemException NotServed() => new(Problems.NotFound, NotServedDetail);

    public void Dispose()
    {
        ownedModel?.Dispose();
        ownedModel = null;
        GC.SuppressFinalize(this);
    }
}
