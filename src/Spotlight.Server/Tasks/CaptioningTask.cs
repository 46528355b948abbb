using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;

namespace Spotlight.Server;

/// <summary>
/// Captioning: <c>POST /v1/captions</c> (one image; attention maps and beam alternatives on request) and the model
/// card <c>GET /v1/model</c>. Requests are batched on one model thread (<see cref="CaptionBatcher"/>), which starts
/// and warms up with the server; the task is ready once the warm-up decode has finished.
/// </summary>
public sealed class CaptioningTask : ServedTask
{
    public const string TaskName = "captioning";
    public const string Route = "/v1/captions";
    public const string OperationId = "CreateCaption";

    private readonly ICaptionBackend? backend;
    private CaptionBatcher? batcher;
    private CaptionService? service;

    /// <param name="backend">The captioner (the caller owns it); null registers the routes without a model (404).</param>
    public CaptioningTask(ICaptionBackend? backend) : this(backend, null) { }

    private CaptioningTask(ICaptionBackend? backend, IDisposable? owned) : base(owned) => this.backend = backend;

    /// <summary>Loads the captioner in <paramref name="path"/> (disposed with the task); null: no model.</summary>
    public static CaptioningTask Load(string? path)
    {
        if (path is null) return new CaptioningTask(null);
        var loaded = CaptionModelBackend.Load(path);
        return new CaptioningTask(loaded, loaded);
    }

    public override string Name => TaskName;
    public override string Endpoint => Route;
    public override string NotServedDetail => "this server has no captioning model; start it with spotlight serve MODEL";

    public override ServedModelInfo? Card => backend?.Info is { } info
        ? new ServedModelInfo(TaskName, Route, info.Id, info.FileName, JsonSerializer.SerializeToElement(info.Config))
        : null;

    public override TaskReadiness Readiness => batcher switch
    {
        { IsReady: true } => TaskReadiness.Ready,
        { WarmUpError: string error } => new(false, $"the warm-up decode failed: {error}"),
        _ => new(false, "the model is warming up"),
    };

    public override void AddServices(IServiceCollection services)
    {
        if (backend is null) return;
        services.AddSingleton(backend);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<ServerOptions>();
            var gate = provider.GetRequiredService<AdmissionGate>();
            return new CaptionBatcher(backend, options.MaxBatch, TimeSpan.FromMilliseconds(options.MaxWaitMs),
                provider.GetRequiredService<ServerMetrics>(), provider.GetRequiredService<ILoggerFactory>().CreateLogger<CaptionBatcher>(),
                () => gate.InFlight);
        });
        services.AddSingleton<CaptionService>();
    }

    /// <summary>Resolving the batcher starts the model thread and its warm-up; the app disposes it after the last request.</summary>
    public override void Start(IServiceProvider services)
    {
        if (backend is null) return;
        var started = services.GetRequiredService<CaptionBatcher>();
        services.GetRequiredService<ServerMetrics>().QueueDepth = () => started.QueueDepth;
        service = services.GetRequiredService<CaptionService>();
        batcher = started;
    }

    public override void Map(IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<ServerOptions>();
        routes.MapPost(Route, Task<IResult> (HttpContext context) => (service ?? throw NotServed()).HandleAsync(context))
            .WithName(OperationId)
            .WithSummary("Caption one image; optionally return per-word attention maps and beam alternatives.")
            .Produces<CaptionResponse>()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(503).ProducesProblem(504)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                Describe(operation, options);
                return Task.CompletedTask;
            });

        routes.MapGet("/v1/model", () => Results.Json(ModelCard.From((backend ?? throw NotServed()).Info, options)))
            .WithName("GetModel").WithSummary("The model card: config, vocabulary size, training summary, validation scores, limits.")
            .Produces<ModelCard>();
    }

    private static void Describe(OpenApiOperation operation, ServerOptions options)
    {
        operation.Parameters =
        [
            ServerOpenApi.Integer("beam", $"Beam width (1 = greedy). Default {options.DefaultBeam}.", 1, options.MaxBeam),
            ServerOpenApi.Integer("max_length", "Most words to generate. Default: the model's own limit.", 1, options.MaxLength),
            ServerOpenApi.Boolean("attention", "Include the per-token attention maps (grid_height × grid_width weights per token)."),
            ServerOpenApi.Boolean("layer_maps", "With a Transformer captioner: also each decoder layer's and head's cross-attention per word (\"layers\": [layer][head][word][region]); their mean is the attention map. Null for a recurrent captioner."),
            ServerOpenApi.Integer("alternatives", "List this many beam hypotheses (at most beam), or samples with sample=true, with their scores.", 1, options.MaxBeam),
            ServerOpenApi.Integer("min_length", "Block <end> before this many words. Default 0.", 0, options.MaxLength),
            ServerOpenApi.Integer("no_repeat_ngram", "Never repeat an n-gram of this size (0 = off).", 0, 10),
            ServerOpenApi.Query("repetition_penalty", "θ from 1 (off) to 10: log-probabilities of words already in the caption are multiplied by θ.",
                new OpenApiSchema { Type = JsonSchemaType.Number, Minimum = "1", Maximum = "10" }),
            ServerOpenApi.Query("length_penalty", "average (log p / len^α), gnmt (log p / ((5 + len) / 6)^α) or none.",
                new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["average", "gnmt", "none"] }),
            ServerOpenApi.Query("length_alpha", "α of the length penalty, 0 (off, default) to 5.", new OpenApiSchema { Type = JsonSchemaType.Number, Minimum = "0", Maximum = "5" }),
            ServerOpenApi.Boolean("sample", "Draw the caption instead of searching (beam 1); reproducible with seed. A sampled request is decoded alone."),
            ServerOpenApi.Query("temperature", "Sampling temperature (sample=true). Default 1.", new OpenApiSchema { Type = JsonSchemaType.Number, Minimum = "0.001", Maximum = "100" }),
            ServerOpenApi.Integer("top_k", "Sample among the k likeliest words (0 = all; sample=true).", 0, 100_000),
            ServerOpenApi.Query("top_p", "Nucleus: sample within the smallest set of words holding this probability (sample=true). Default 1.",
                new OpenApiSchema { Type = JsonSchemaType.Number, Minimum = "0", Maximum = "1" }),
            ServerOpenApi.Query("seed", "Seed of the sampling (sample=true). Default 0.", new OpenApiSchema { Type = JsonSchemaType.Integer }),
        ];
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"A JPEG, PNG, WebP, BMP or GIF image, at most {options.MaxBodyBytes} bytes and {options.MaxPixels} pixels: "
                + "either the raw body (Content-Type image/* or application/octet-stream) or the field 'image' of a form.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = ServerOpenApi.Form([ImageUpload.FieldName], ImageUpload.FieldName),
                ["image/*"] = new() { Schema = ServerOpenApi.Binary },
                ["application/octet-stream"] = new() { Schema = ServerOpenApi.Binary },
            },
        };
    }
}
