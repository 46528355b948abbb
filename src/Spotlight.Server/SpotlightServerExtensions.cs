using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Spotlight.Server;

/// <summary>What <c>AddSpotlightServer</c> returns: add the served tasks to it.</summary>
public sealed class SpotlightServerBuilder
{
    private readonly ServedTasks tasks;

    internal SpotlightServerBuilder(IServiceCollection services, ServedTasks tasks)
    {
        Services = services;
        this.tasks = tasks;
    }

    public IServiceCollection Services { get; }

    /// <summary>Registers a task: its services now, its routes when the app calls <c>MapSpotlightServer</c>.</summary>
    public SpotlightServerBuilder AddTask(ServedTask task)
    {
        tasks.Add(task);
        task.AddServices(Services);
        return this;
    }
}

/// <summary>
/// The server as ASP.NET Core pieces, for <c>spotlight serve</c> and for an application of your own:
/// <code>
/// builder.Services.AddSpotlightServer(new ServerOptions()).AddTask(new CaptioningTask(backend));
/// var app = builder.Build();
/// app.UseSpotlightServer();    // request log and metrics, problem+json for errors (optional)
/// app.MapSpotlightServer();    // the tasks' routes, /v1/models, /healthz, /readyz, /metrics, OpenAPI, the page
/// </code>
/// </summary>
public static class SpotlightServerExtensions
{
    /// <summary>The CORS policy of Spotlight's routes (when origins are configured).</summary>
    public const string CorsPolicy = "Spotlight";

    /// <summary>
    /// The shared services: options, admission gate, metrics, readiness, problem details, the OpenAPI document
    /// "v1", and snake_case JSON for the app's answers.
    /// </summary>
    public static SpotlightServerBuilder AddSpotlightServer(this IServiceCollection services, ServerOptions options)
    {
        options.Validate();
        if (services.Any(d => d.ServiceType == typeof(ServedTasks)))
            throw new InvalidOperationException("AddSpotlightServer was already called on these services");
        var tasks = new ServedTasks();
        services.AddRoutingCore();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["request_id"] = context.HttpContext.TraceIdentifier);
        if (options.ApiKeyFile is { } keyFile) services.AddSingleton(ApiKeys.Load(keyFile));
        if (options.CorsOrigins.Count > 0)
            services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
            {
                if (options.CorsOrigins.Contains("*")) policy.AllowAnyOrigin();
                else policy.WithOrigins([.. options.CorsOrigins]);
                policy.WithMethods("GET", "POST").AllowAnyHeader().WithExposedHeaders(RequestLog.RequestIdHeader);
            }));
        services.AddExceptionHandler<UnexpectedErrorHandler>();
        services.Configure<JsonOptions>(json => CaptionServer.Configure(json.SerializerOptions));
        services.AddOpenApi(ServerOpenApi.DocumentName, ServerOpenApi.Configure);
        services.AddSingleton(options);
        services.AddSingleton(tasks);
        services.AddSingleton(new ServerMetrics());
        services.AddSingleton(new AdmissionGate(options.MaxConcurrency, options.MaxQueue));
        services.AddSingleton<Readiness>();
        return new SpotlightServerBuilder(services, tasks);
    }

    /// <summary>
    /// <see cref="AddSpotlightServer(IServiceCollection, ServerOptions)"/> with the options of the configuration's
    /// "Spotlight" section (<c>builder.Configuration</c>: appsettings.json, environment variables, …). The host's own
    /// settings (<c>ASPNETCORE_URLS</c>, Kestrel) decide where your app listens; Urls here is only for <c>spotlight serve</c>.
    /// </summary>
    public static SpotlightServerBuilder AddSpotlightServer(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSpotlightServer(ServerConfiguration.Bind(configuration));

    /// <summary>
    /// Per request, outermost first: the request ID, one log line and the metrics; CORS (when origins are set);
    /// problem+json for exceptions and bare status codes. (API keys are checked on Spotlight's routes themselves.)
    /// </summary>
    public static IApplicationBuilder UseSpotlightServer(this IApplicationBuilder app)
    {
        app.UseMiddleware<RequestLog>();
        var options = app.ApplicationServices.GetRequiredService<ServerOptions>();
        // Policies come from the routes (Spotlight's group names its own), so an app's routes keep theirs.
        if (options.CorsOrigins.Count > 0) app.UseCors();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Starts every task (the captioner's model thread begins its warm-up now) and maps its routes, then the shared
    /// ones. A task registered without a model keeps its routes, which answer 404 saying how to load one.
    /// </summary>
    public static RouteGroupBuilder MapSpotlightServer(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var tasks = services.GetRequiredService<ServedTasks>();
        var metrics = services.GetRequiredService<ServerMetrics>();
        var gate = services.GetRequiredService<AdmissionGate>();
        var readiness = services.GetRequiredService<Readiness>();
        metrics.InFlight = () => gate.InFlight;
        metrics.Waiting = () => gate.Waiting;
        metrics.Ready = () => readiness.IsReady;
        metrics.Tasks = () => tasks.Loaded.Select(t => (t.Task.Name, t.Task.Readiness.IsReady)).ToList();

        var group = endpoints.MapGroup("");
        if (services.GetRequiredService<ServerOptions>().CorsOrigins.Count > 0) group.RequireCors(CorsPolicy);
        if (services.GetService<ApiKeys>() is { } keys)
            group.AddEndpointFilter((context, next) => ApiKeyCheck.Filter(context, next, keys));
        foreach (var task in tasks)
        {
            task.Start(services);
            var routes = group.MapGroup("");
            if (task.Card is null)
                routes.AddEndpointFilter((context, _) => ValueTask.FromResult<object?>(
                    ProblemResults.For(context.HttpContext, Problems.NotFound, task.NotServedDetail)));
            task.Map(routes);
        }
        OpsEndpoints.Map(group);
        return group;
    }
}
