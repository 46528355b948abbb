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
        var tasks = TaskModelOptions();
        var threads = CommonOptions.Threads();
        var command = new Command("serve", "Serve captions over HTTP (POST /v1/captions) with a page showing per-word attention.")
        {
            model, urls, maxBatch, maxWait, maxConcurrency, maxQueue, maxBody, maxPixels, timeout, jsonLogs,
        };
        foreach (var task in tasks) command.Options.Add(task.Option);
        command.Options.Add(threads);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            double seconds = parse.GetValue(timeout);
            if (!(seconds > 0) || seconds > 3600) throw new SpotlightException($"--timeout-s must be between 0 and 3600, got {seconds}");
            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!, MaxBatch = parse.GetValue(maxBatch), MaxWaitMs = parse.GetValue(maxWait),
                MaxConcurrency = parse.GetValue(maxConcurrency), MaxQueue = parse.GetValue(maxQueue),
                MaxBodyBytes = parse.GetValue(maxBody), MaxPixels = parse.GetValue(maxPixels),
                RequestTimeout = TimeSpan.FromSeconds(seconds), JsonLogs = parse.GetValue(jsonLogs),
            };
            string? captioner = CaptionerToServe(parse.GetValue(model), tasks.Any(t => parse.GetValue(t.Option) is not null));
            CaptionServer.Serve(options, [() => CaptioningTask.Load(captioner), .. tasks.Select(t => (Func<ServedTask>)(() => t.Load(parse.GetValue(t.Option))))],
                Console.Error);
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
