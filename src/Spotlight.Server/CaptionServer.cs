using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Spotlight.Server;

/// <summary>
/// Builds the captioning server: Kestrel on the given URLs (loopback by default), minimal API endpoints, problem+json
/// errors, request logs and metrics, and the batcher's model thread, which starts (and warms up) at once.
/// </summary>
public static class CaptionServer
{
    /// <summary>
    /// A configured, not yet started server. <paramref name="configure"/> runs last, so tests can swap in the
    /// in-memory server or add a log sink. The caller owns <paramref name="backend"/>.
    /// </summary>
    public static WebApplication Build(ServerOptions options, ICaptionBackend backend, Action<WebApplicationBuilder>? configure = null,
        TaskModels? models = null)
    {
        options.Validate();
        // The empty builder reads no appsettings.json, environment or command line: what listens is what --urls says.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(CaptionServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        ConfigureLogging(builder.Logging, options);

        builder.Services.AddRoutingCore();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<UnexpectedErrorHandler>();
        builder.Services.Configure<JsonOptions>(json => Configure(json.SerializerOptions));
        builder.Services.AddOpenApi(CaptionOpenApi.DocumentName, openApi => CaptionOpenApi.Configure(openApi, options));

        var metrics = new ServerMetrics();
        var gate = new AdmissionGate(options.MaxConcurrency, options.MaxQueue);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(backend);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(gate);
        builder.Services.AddSingleton(services => new CaptionBatcher(backend, options.MaxBatch, TimeSpan.FromMilliseconds(options.MaxWaitMs),
            metrics, services.GetRequiredService<ILoggerFactory>().CreateLogger<CaptionBatcher>(), () => gate.InFlight));
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton<CaptionService>();
        builder.Services.AddSingleton(models ?? new TaskModels());
        builder.Services.AddSingleton<TranslationService>();
        builder.Services.AddSingleton<InpaintService>();
        configure?.Invoke(builder);

        var app = builder.Build();
        // Resolved now, so the model thread starts and warms up before the first request; disposed with the app,
        // which happens after the server has let in-flight requests finish.
        var batcher = app.Services.GetRequiredService<CaptionBatcher>();
        var readiness = app.Services.GetRequiredService<Readiness>();
        metrics.QueueDepth = () => batcher.QueueDepth;
        metrics.InFlight = () => gate.InFlight;
        metrics.Waiting = () => gate.Waiting;
        metrics.Ready = () => readiness.IsReady;

        app.UseMiddleware<RequestLog>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        CaptionEndpoints.Map(app);
        TaskEndpoints.Map(app);
        return app;
    }

    /// <summary>
    /// <c>spotlight serve</c>: loads the model, listens, prints where, and blocks until Ctrl+C or SIGTERM; then stops
    /// accepting, lets in-flight requests finish (up to the shutdown timeout) and returns.
    /// </summary>
    public static void Serve(string modelPath, ServerOptions options, TextWriter notices, string? translationModel = null,
        string? inpaintingModel = null)
    {
        options.Validate();
        using var backend = CaptionModelBackend.Load(modelPath);
        using var translation = translationModel is null ? null : TranslationBackend.Load(translationModel);
        using var inpainting = inpaintingModel is null ? null : InpaintingBackend.Load(inpaintingModel);
        var app = Build(options, backend, models: new TaskModels(translation, inpainting));
        try
        {
            try
            {
                app.Start();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
            {
                throw new SpotlightException($"cannot listen on {string.Join(", ", options.Urls)}: {e.Message.ReplaceLineEndings(" ")}");
            }
            var served = new[] { backend.Info.Id, translation?.Info.Id, inpainting?.Info.Id }.OfType<string>();
            notices.WriteLine($"serving {string.Join(", ", served)} on {string.Join(", ", app.Urls)} (Ctrl+C to stop)");
            app.WaitForShutdown();
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }

    /// <summary>snake_case names, nulls left out, and NaN/∞ written as strings rather than failing the answer.</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = null;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServerOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        // The framework's own per-request chatter would double the one line per request RequestLog writes.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        if (options.JsonLogs) logging.AddJsonConsole(json => json.TimestampFormat = "O");
        else logging.AddSimpleConsole(simple => { simple.SingleLine = true; simple.TimestampFormat = "HH:mm:ss.fff "; });
    }
}
