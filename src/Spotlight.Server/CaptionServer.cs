using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Spotlight.Server;

/// <summary>
/// The standalone server: Kestrel on the given URLs (loopback by default), its own logging, and the Spotlight pieces
/// (<see cref="SpotlightServerExtensions"/>) with the given tasks. A captioner's model thread starts (and warms up) at once.
/// </summary>
public static class CaptionServer
{
    /// <summary>
    /// A configured, not yet started server with these tasks (each registered once; the caller disposes them).
    /// <paramref name="configure"/> runs last, so tests can swap in the in-memory server or add a log sink.
    /// </summary>
    /// <remarks><paramref name="configuration"/>: settings beyond the options, Kestrel's section (TLS certificates, endpoints); see <see cref="ServerConfiguration"/>.</remarks>
    public static WebApplication Build(ServerOptions options, IEnumerable<ServedTask> tasks, Action<WebApplicationBuilder>? configure = null,
        IConfiguration? configuration = null)
    {
        options.Validate();
        ServerConfiguration.RequireCertificate(options, configuration);
        // The empty builder reads no appsettings.json, environment or command line by itself: ServerConfiguration has
        // already turned those into the options, and only Kestrel's section is passed on (for TLS).
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
        if (configuration is not null)
        {
            builder.Configuration.AddConfiguration(configuration);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Configure(configuration.GetSection("Kestrel"), reloadOnChange: false));
        }
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        ConfigureLogging(builder.Logging, options);

        var spotlight = builder.Services.AddSpotlightServer(options);
        foreach (var task in tasks) spotlight.AddTask(task);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRouting();          // first, so the middleware below (CORS) sees which route a request is for
        app.UseSpotlightServer();
        app.MapSpotlightServer();
        return app;
    }

    /// <summary>
    /// A captioning server, with a translator and an inpainter when <paramref name="models"/> has them (their routes
    /// answer 404 otherwise). The caller owns <paramref name="backend"/> and the models.
    /// </summary>
    public static WebApplication Build(ServerOptions options, ICaptionBackend backend, Action<WebApplicationBuilder>? configure = null,
        TaskModels? models = null) =>
        Build(options, [new CaptioningTask(backend), new TranslationTask(models?.Translation), new InpaintingTask(models?.Inpainting)], configure);

    /// <summary>
    /// <c>spotlight serve</c>: loads every task (in order; a failure disposes those already loaded), listens, prints
    /// what it serves and where, and blocks until Ctrl+C or SIGTERM; then stops accepting, lets in-flight requests
    /// finish (up to the shutdown timeout), disposes the tasks and returns.
    /// </summary>
    public static void Serve(ServerOptions options, IEnumerable<Func<ServedTask>> loaders, TextWriter notices, IConfiguration? configuration = null)
    {
        options.Validate();
        ServerConfiguration.RequireCertificate(options, configuration);
        if (options.ApiKeyFile is { } keyFile) ApiKeys.Load(keyFile);   // a bad key file is reported before models load
        var tasks = new List<ServedTask>();
        try
        {
            foreach (var load in loaders) tasks.Add(load());
            var app = Build(options, tasks, configuration: configuration);
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
                var served = tasks.Select(t => t.Card?.Id).OfType<string>();
                notices.WriteLine($"serving {string.Join(", ", served)} on {string.Join(", ", app.Urls)} (Ctrl+C to stop)");
                app.WaitForShutdown();
            }
            finally
            {
                ((IDisposable)app).Dispose();
            }
        }
        finally
        {
            foreach (var task in tasks) task.Dispose();
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
        // Scopes carry the request ID into every line a request causes (errors included).
        if (options.JsonLogs) logging.AddJsonConsole(json => { json.TimestampFormat = "O"; json.IncludeScopes = true; });
        else logging.AddSimpleConsole(simple => { simple.SingleLine = true; simple.TimestampFormat = "HH:mm:ss.fff "; simple.IncludeScopes = true; });
    }
}
