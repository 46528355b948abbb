using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Spotlight.Server;

/// <summary>
/// The routes every server has, whatever tasks it serves: the model list, health, readiness, metrics, the OpenAPI
/// document and the page. They cover the registered tasks (<see cref="ServedTasks"/>).
/// </summary>
public static class OpsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", (ServedTasks tasks) => Results.Json(tasks.Loaded.Select(t => t.Card).ToList()))
            .WithName("ListModels").WithSummary("Every model this server hosts: task, endpoint, id (file@checksum) and config.")
            .Produces<IReadOnlyList<ServedModelInfo>>();

        routes.MapGet("/healthz", (ServedTasks tasks) => Results.Json(new HealthStatus("alive", MainModel(tasks))))
            .WithName("Health").WithSummary("200 while the process is alive.")
            .Produces<HealthStatus>().WithMetadata(PublicRoute.Instance);

        routes.MapGet("/readyz", (HttpContext context, ServedTasks tasks, Readiness readiness) => readiness switch
            {
                { Stopping: true } => ProblemResults.For(context, Problems.ShuttingDown, "the server is stopping and finishing its last requests"),
                { NotReadyDetail: string detail } => ProblemResults.For(context, Problems.NotReady, detail),
                _ => Results.Json(new HealthStatus("ready", MainModel(tasks))),
            })
            .WithName("Ready").WithSummary("200 once the model is loaded and has finished a warm-up decode; 503 before and while stopping.")
            .Produces<HealthStatus>().ProducesProblem(503).WithMetadata(PublicRoute.Instance);

        routes.MapGet("/metrics", (ServerMetrics metrics) => Results.Text(metrics.Render(), PrometheusText.ContentType))
            .WithName("Metrics").WithSummary("Prometheus text format 0.0.4.")
            .Produces<string>(contentType: "text/plain");

        routes.MapOpenApi("/openapi/{documentName}.json");
        routes.MapGet("/openapi.json", () => Results.Redirect($"/openapi/{ServerOpenApi.DocumentName}.json")).ExcludeFromDescription();

        routes.MapGet("/", (HttpContext context) => Asset(context, "index.html")).ExcludeFromDescription().WithMetadata(PublicRoute.Instance);
        routes.MapGet("/assets/{name}", (HttpContext context, string name) => Asset(context, name)).ExcludeFromDescription().WithMetadata(PublicRoute.Instance);
    }

    /// <summary>The id health answers carry: the first loaded task's model (the captioner when there is one).</summary>
    private static string? MainModel(ServedTasks tasks) => tasks.Loaded.Select(t => t.Card.Id).FirstOrDefault();

    private static IResult Asset(HttpContext context, string name)
    {
        if (WebAssets.Find(name) is not { } asset || name == "index.html" && context.Request.Path != "/")
            return ProblemResults.For(context, Problems.NotFound, $"no asset named '{(name.Length <= 60 ? name : name[..60])}'");
        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
