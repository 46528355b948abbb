using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Spotlight.Server;

/// <summary>
/// Translation: <c>POST /v1/translations</c> takes one sentence or a batch as JSON and answers n-best lists with
/// optional attention over the source subwords (<see cref="TranslationService"/>), one request at a time on the model.
/// </summary>
public sealed class TranslationTask : ExclusiveModelTask<TranslationBackend, TranslationService>
{
    public const string TaskName = "translation";
    public const string Route = "/v1/translations";
    public const string Operation = "CreateTranslation";

    /// <param name="backend">The translator (the caller owns it); null registers the route without a model (404).</param>
    public TranslationTask(TranslationBackend? backend) : this(backend, null) { }

    private TranslationTask(TranslationBackend? backend, IDisposable? owned) : base(backend, owned) { }

    /// <summary>Loads the translator in <paramref name="path"/> (disposed with the task); null: no model.</summary>
    public static TranslationTask Load(string? path)
    {
        if (path is null) return new TranslationTask(null);
        var loaded = TranslationBackend.Load(path);
        return new TranslationTask(loaded, loaded);
    }

    public override string Name => TaskName;
    public override string Endpoint => Route;
    public override string NotServedDetail => "this server has no translation model; start it with --translation-model MODEL";

    protected override TranslationService CreateService(ServerOptions options, TranslationBackend backend, AdmissionGate gate) => new(options, backend, gate);

    protected override string OperationId => Operation;
    protected override string Summary => "Translate one sentence or a batch; optionally return n-best lists and the attention over source subwords.";
    protected override RouteHandlerBuilder Responses(RouteHandlerBuilder route) => route.Produces<TranslationResponse>();

    protected override void Describe(OpenApiOperation operation, ServerOptions options)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"Exactly one of text and texts (at most {options.MaxSentences} sentences of {options.MaxSentenceChars} characters).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["text"] = ServerOpenApi.Of(JsonSchemaType.String, "One sentence."),
                            ["texts"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array, Items = ServerOpenApi.Of(JsonSchemaType.String, "A sentence."), Description = "Sentences decoded together.",
                            },
                            ["beam"] = ServerOpenApi.Of(JsonSchemaType.Integer, $"Beam width, 1 (greedy) to {options.MaxBeam}. Default 5."),
                            ["nbest"] = ServerOpenApi.Of(JsonSchemaType.Integer, "Hypotheses per sentence, at most the beam. Default 1."),
                            ["attention"] = ServerOpenApi.Of(JsonSchemaType.Boolean, "Include each target subword's attention over the source subwords."),
                            ["length_penalty"] = ServerOpenApi.Of(JsonSchemaType.String, "none, avg (len^alpha) or gnmt (((5+len)/6)^alpha, the default)."),
                            ["alpha"] = ServerOpenApi.Of(JsonSchemaType.Number, "Length penalty exponent. Default 0.6."),
                        },
                    },
                },
            },
        };
    }
}
