using System.CommandLine;
using Spotlight.Server;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight serve MODEL</c>: captions over HTTP, with a page that shows where the model looks.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var model = new Argument<string>("MODEL") { Description = "a .spotlight captioning model" };
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
        var translation = new Option<string?>("--translation-model") { Description = "also serve POST /v1/translations with this translator (.spotlight)" };
        var inpainting = new Option<string?>("--inpainting-model") { Description = "also serve POST /v1/inpaint with this inpainting model (.spotlight)" };
        var threads = CommonOptions.Threads();
        var command = new Command("serve", "Serve captions over HTTP (POST /v1/captions) with a page showing per-word attention.")
        {
            model, urls, maxBatch, maxWait, maxConcurrency, maxQueue, maxBody, maxPixels, timeout, jsonLogs, translation, inpainting, threads,
        };
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
            CaptionServer.Serve(parse.GetValue(model)!, options, Console.Error, parse.GetValue(translation), parse.GetValue(inpainting));
            return 0;
        }));
        return command;
    }
}
