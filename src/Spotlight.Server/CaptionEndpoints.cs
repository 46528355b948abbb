using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Spotlight.Server;

/// <summary>The routes: captions, model card, health, readiness, metrics, OpenAPI document and the page.</summary>
public static class CaptionEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/captions", (HttpContext context, CaptionService service) => service.HandleAsync(context))
            .WithName(CaptionOpenApi.CaptionOperationId)
            .WithSummary("Caption one image; optionally return per-word attention maps and beam alternatives.")
            .Produces<CaptionResponse>()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(503).ProducesProblem(504);

        app.MapGet("/v1/model", (ICaptionBackend backend, ServerOptions options) => Results.Json(ModelCard.From(backend.Info, options)))
            .WithName("GetModel").WithSummary("The model card: config, vocabulary size, training summary, validation scores, limits.")
            .Produces<ModelCard>();

        app.MapGet("/healthz", (ICaptionBackend backend) => Results.Json(new HealthStatus("alive", backend.Info.Id)))
            .WithName("Health").WithSummary("200 while the process is alive.")
            .Produces<HealthStatus>();

        app.MapGet("/readyz", (HttpContext context, ICaptionBackend backend, Readiness readiness) => readiness switch
            {
                { IsReady: true } => Results.Json(new HealthStatus("ready", backend.Info.Id)),
                { Stopping: true } => ProblemResults.For(context, Problems.ShuttingDown, "the server is stopping and finishing its last requests"),
                { WarmUpError: string error } => ProblemResults.For(context, Problems.NotReady, $"the warm-up decode failed: {error}"),
                _ => ProblemResults.For(context, Problems.NotReady, "the model is warming up"),
            })
            .WithName("Ready").WithSummary("200 once the model is loaded and has finished a warm-up decode; 503 before and while stopping.")
            .Produces<HealthStatus>().ProducesProblem(503);

        app.MapGet("/metrics", (ServerMetrics metrics) => Results.Text(metrics.Render(), PrometheusText.ContentType))
            .WithName("Metrics").WithSummary("Prometheus text format 0.0.4.")
            .Produces<string>(contentType: "text/plain");

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/openapi.json", () => Results.Redirect($"/openapi/{CaptionOpenApi.DocumentName}.json")).ExcludeFromDescription();

        app.MapGet("/", (HttpContext context) => Asset(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/assets/{name}", (HttpContext context, string name) => Asset(context, name)).ExcludeFromDescription();
    }

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
