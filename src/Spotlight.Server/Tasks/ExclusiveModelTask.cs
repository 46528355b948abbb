using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Spotlight.Server;

/// <summary>A served model's card (<c>GET /v1/models</c>).</summary>
public interface IServedBackend
{
    ServedModelInfo Info { get; }
}

/// <summary>What answers a task's POST route once the server has started.</summary>
public interface ITaskService
{
    Task<IResult> HandleAsync(HttpContext context);
}

/// <summary>
/// A task served by one model that takes one request at a time (translation, inpainting, …): the backend, its service
/// made when the server starts, and one POST route with the shared problem answers. A subclass names the task and
/// its route, makes its service, and describes its responses and request body for OpenAPI.
/// </summary>
public abstract class ExclusiveModelTask<TBackend, TService> : ServedTask
    where TBackend : class, IServedBackend where TService : class, ITaskService
{
    private readonly TBackend? backend;
    private TService? service;

    /// <summary>
    /// <paramref name="backend"/>: the model (owned by the caller unless also given as <paramref name="owned"/>); null
    /// registers the route without a model (404).
    /// </summary>
    protected ExclusiveModelTask(TBackend? backend, IDisposable? owned) : base(owned) => this.backend = backend;

    protected abstract string OperationId { get; }
    protected abstract string Summary { get; }
    protected abstract TService CreateService(ServerOptions options, TBackend backend, AdmissionGate gate);

    /// <summary>The success responses (<c>Produces</c>) of the route.</summary>
    protected abstract RouteHandlerBuilder Responses(RouteHandlerBuilder route);

    /// <summary>The request's parameters and body in the OpenAPI document.</summary>
    protected abstract void Describe(OpenApiOperation operation, ServerOptions options);

    public override ServedModelInfo? Card => backend?.Info;

    public override void Start(IServiceProvider services)
    {
        if (backend is not null)
            service = CreateService(services.GetRequiredService<ServerOptions>(), backend, services.GetRequiredService<AdmissionGate>());
    }

    public override void Map(IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<ServerOptions>();
        var route = routes.MapPost(Endpoint, Task<IResult> (HttpContext context) => (service ?? throw NotServed()).HandleAsync(context))
            .WithName(OperationId)
            .WithSummary(Summary);
        Responses(route)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(504)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                Describe(operation, options);
                return Task.CompletedTask;
            });
    }
}
