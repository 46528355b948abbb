using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>A started server (in memory or on a loopback port), its client and its captured log lines.</summary>
public sealed class TestHostHandle : IAsyncDisposable
{
    private TestHostHandle(WebApplication app, HttpClient client, LogSink logs, Uri baseAddress)
    {
        App = app;
        Client = client;
        Logs = logs;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public LogSink Logs { get; }
    public Uri BaseAddress { get; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>The server on <see cref="TestServer"/>: requests never touch a socket.</summary>
    public static async Task<TestHostHandle> InMemoryAsync(ICaptionBackend backend, ServerOptions? options = null, TaskModels? models = null)
    {
        var logs = new LogSink();
        var app = CaptionServer.Build(options ?? new ServerOptions(), backend, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders().AddProvider(logs);
        }, models);
        await app.StartAsync();
        var handle = new TestHostHandle(app, app.GetTestClient(), logs, new Uri("http://localhost/"));
        await handle.WaitReadyAsync();
        return handle;
    }

    /// <summary>An in-memory server with exactly these tasks (the test disposes them).</summary>
    public static async Task<TestHostHandle> InMemoryAsync(IEnumerable<ServedTask> tasks, ServerOptions? options = null)
    {
        var logs = new LogSink();
        var app = CaptionServer.Build(options ?? new ServerOptions(), tasks, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders().AddProvider(logs);
        });
        await app.StartAsync();
        var handle = new TestHostHandle(app, app.GetTestClient(), logs, new Uri("http://localhost/"));
        await handle.WaitReadyAsync();
        return handle;
    }

    /// <summary>The server on Kestrel at 127.0.0.1 on a port the OS picks, read back once it listens.</summary>
    public static async Task<TestHostHandle> KestrelAsync(ICaptionBackend backend, ServerOptions? options = null)
    {
        var logs = new LogSink();
        options = (options ?? new ServerOptions()) with { Urls = ["http://127.0.0.1:0"] };
        var app = CaptionServer.Build(options, backend, builder => builder.Logging.ClearProviders().AddProvider(logs));
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var handle = new TestHostHandle(app, client, logs, address);
        await handle.WaitReadyAsync();
        return handle;
    }

    /// <summary>A Kestrel server on 127.0.0.1 with exactly these tasks (the test disposes them).</summary>
    public static async Task<TestHostHandle> KestrelAsync(IEnumerable<ServedTask> tasks, ServerOptions? options = null)
    {
        var logs = new LogSink();
        options = (options ?? new ServerOptions()) with { Urls = ["http://127.0.0.1:0"] };
        var app = CaptionServer.Build(options, tasks, builder => builder.Logging.ClearProviders().AddProvider(logs));
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());
        var handle = new TestHostHandle(app, new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) }, logs, address);
        await handle.WaitReadyAsync();
        return handle;
    }

    /// <summary>The warm-up decode runs on the model thread after start; readiness says when it is done.</summary>
    public async Task WaitReadyAsync()
    {
        if (App.Services.GetService<CaptionBatcher>() is not { } batcher) return;   // no captioner: nothing warms up
        for (int i = 0; i < 400 && !batcher.IsReady && batcher.WarmUpError is null; i++) await Task.Delay(25);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await App.StopAsync(stopping.Token); }
        catch (OperationCanceledException) { }
        await App.DisposeAsync();
    }
}

/// <summary>Collects log entries (category, level, message and structured values) from every logger.</summary>
public sealed class LogSink : ILoggerProvider
{
    /// <param name="Scopes">the values of the scopes the entry was logged in (outermost first)</param>
    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values,
        IReadOnlyDictionary<string, object?> Scopes);

    private readonly List<Entry> entries = [];
    private readonly AsyncLocal<System.Collections.Immutable.ImmutableList<object>> scopes = new();

    public IReadOnlyList<Entry> Entries
    {
        get { lock (entries) return [.. entries]; }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            var outer = sink.scopes.Value ?? [];
            sink.scopes.Value = outer.Add(state);
            return new Restore(() => sink.scopes.Value = outer);
        }
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, object?>();
            var scoped = new Dictionary<string, object?>();
            foreach (var scope in sink.scopes.Value ?? [])
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                    foreach (var (key, value) in scopePairs) scoped[key] = value;
            lock (sink.entries) sink.entries.Add(new Entry(category, logLevel, formatter(state, exception), values, scoped));
        }
    }
}
