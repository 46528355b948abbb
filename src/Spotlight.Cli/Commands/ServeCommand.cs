using System.CommandLine;
using Spotlight.Server;

namespace Spotlight.Cli.Commands;

/// <summary>
/// <c>spotlight serve [MODEL]</c>: captions over HTTP, with a page that shows where the model looks, and any other task
/// whose model is given. With no model at all it serves the pretrained captioner that comes with Spotlight.
/// </summary>
public static class ServeCommand
{
    /// <summary>An option naming a task's model file, and how the task is made from it (or without it: null).</summary>
    private sealed record TaskModelOption(Option<string?> Option, Func<string?, ServedTask> Load)
    {
        public TaskModelOption(string name, string description, Func<string?, ServedTask> load)
            : this(new Option<string?>(name) { Description = description }, load) { }
    }

    // The served tasks besides captioning: one line each.
    private static TaskModelOption[] TaskModelOptions() =>
    [
        new("--translation-model", "also serve POST /v1/translations with this translator (.spotlight)", TranslationTask.Load),
        new("--inpainting-model", "also serve POST /v1/inpaint with this inpainting model (.spotlight)", InpaintingTask.Load),
        new("--vqa-model", "also serve POST /v1/answers with this VQA model (.spotlight)", VqaTask.Load),
    ];

    public static Command Create()
    {
        var defaults = new ServerOptions();
        var model = new Argument<string?>("MODEL") { Description = "a .spotlight captioning model (default: the pretrained captioner, unless another task's model is given)", Arity = ArgumentArity.ZeroOrOne };
        var urls = new Option<string[]>("--urls")
        {
            Description = "addresses to listen on (loopback unless you name another interface, e.g. http://0.0.0.0:8080)",
            DefaultValueFactory = _ => [ServerOptions.DefaultUrl],
            AllowMultipleArgumentsPerToken = true,
        };
        var maxBatch = new Option<int>("--max-batch") { Description = "most images decoded together in one forward pass (1 = no batching)", DefaultValueFactory = _ => defaults.MaxBatch };
        var maxWait = new Option<int>("--max-wait-ms") { Description = "how long the first request of a batch waits for others", DefaultValueFactory = _ => defaults.MaxWaitMs };
        var maxConcurrency = new Option<int>("--max-concurrency") { Description = "caption requests handled at once", DefaultValueFactory = _ => defaults.MaxConcurrency };
        var maxQueue = new Option<int>("--max-queue") { Description = "requests allowed to wait beyond that; more get 429", DefaultValueFactory = _ => defaults.MaxQueue };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "request body limit", DefaultValueFactory = _ => defaults.MaxBodyBytes };
        var maxPixels = new Option<long>("--max-pixels") { Description = "image pixel limit, checked from the header before decoding", DefaultValueFactory = _ => defaults.MaxPixels };
        var timeout = new Option<double>("--timeout-s") { Description = "per-request time limit (then 504)", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds };
        var jsonLogs = new Option<bool>("--json-logs") { Description = "write request logs as JSON lines" };
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = "require an API key (Authorization: Bearer KEY or X-API-Key) from this file, one key per line, on every route but /healthz, /readyz and the page" };
        var corsOrigins = new Option<string[]>("--cors-origin") { Description = "let browsers on this origin call the API (repeatable; * for any); off by default", AllowMultipleArgumentsPerToken = true };
        var config = new Option<string?>("--config") { Description = "a JSON settings file (as appsettings.json, which is read from the current folder when present): a \"Spotlight\" section and Kestrel's (TLS); environment variables override it (Spotlight__MaxBatch=16, ASPNETCORE_URLS), and flags override both" };
        var tasks = TaskModelOptions();
        var threads = CommonOptions.Threads();
        var command = new Command("serve", "Serve captions over HTTP (POST /v1/captions) with a page showing per-word attention.")
        {
            model, urls, maxBatch, maxWait, maxConcurrency, maxQueue, maxBody, maxPixels, timeout, jsonLogs, apiKeyFile, corsOrigins, config,
        };
        foreach (var task in tasks) command.Options.Add(task.Option);
        command.Options.Add(threads);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var configuration = ServerConfiguration.Load(parse.GetValue(config), Directory.GetCurrentDirectory());
            var options = ServerConfiguration.Bind(configuration);
            // A flag given on the command line wins over every configuration source.
            T Given<T>(Option<T> option, T configured) => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option)! : configured;
            double seconds = Given(timeout, options.RequestTimeout.TotalSeconds);
            if (!(seconds > 0) || seconds > 3600) throw new SpotlightException($"--timeout-s must be between 0 and 3600, got {seconds}");
            options = options with
            {
                Urls = Given(urls, [.. options.Urls]), MaxBatch = Given(maxBatch, options.MaxBatch), MaxWaitMs = Given(maxWait, options.MaxWaitMs),
                MaxConcurrency = Given(maxConcurrency, options.MaxConcurrency), MaxQueue = Given(maxQueue, options.MaxQueue),
                MaxBodyBytes = Given(maxBody, options.MaxBodyBytes), MaxPixels = Given(maxPixels, options.MaxPixels),
                RequestTimeout = TimeSpan.FromSeconds(seconds), JsonLogs = Given(jsonLogs, options.JsonLogs),
                ApiKeyFile = Given(apiKeyFile, options.ApiKeyFile), CorsOrigins = Given(corsOrigins, [.. options.CorsOrigins]),
            };
            string? captioner = CaptionerToServe(parse.GetValue(model), tasks.Any(t => parse.GetValue(t.Option) is not null));
            CaptionServer.Serve(options, [() => CaptioningTask.Load(captioner), .. tasks.Select(t => (Func<ServedTask>)(() => t.Load(parse.GetValue(t.Option))))],
                Console.Error, configuration);
            return 0;
        }));
        return command;
    }

    /// <summary>The captioner file to serve: the one given; none when only other tasks are; with no model at all, the pretrained one.</summary>
    public static string? CaptionerToServe(string? given, bool otherTasks)
    {
        if (given is not null || otherTasks) return given;
        return Spotlight.Captioning.CaptionModel.ExistingPretrainedPath();
    }
}
