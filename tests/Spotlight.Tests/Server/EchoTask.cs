using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>
/// A served task written only against the registry, in this one file, as a new task (VQA …) would be: it answers
/// <c>POST /v1/echoes</c> with its text upper-cased, reads its JSON body with the shared checks, describes its body in
/// OpenAPI, has a card, and a readiness the test switches.
/// </summary>
public sealed class EchoTask(bool loaded = true) : ServedTask
{
    public const string Route = "/v1/echoes";
    public const string ModelId = "echo.spotlight@0123456789ab";

    private volatile bool ready = true;

    public sealed class EchoRequest
    {
        public string? Text { get; set; }
    }

    public sealed record EchoResponse(string Echo, string Model);

    public bool Ready
    {
        get => ready;
        set => ready = value;
    }

    public override string Name => "echo";
    public override string Endpoint => Route;
    public override string NotServedDetail => "this server has no echo model; start it with --echo-model MODEL";

    public override ServedModelInfo? Card => loaded
        ? new ServedModelInfo(Name, Route, ModelId, "echo.spotlight", JsonSerializer.SerializeToElement(new { Loud = true }))
        : null;

    public override TaskReadiness Readiness => ready ? TaskReadiness.Ready : new TaskReadiness(false, "the echo model is warming up");

    public override void Map(IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<ServerOptions>();
        var gate = routes.ServiceProvider.GetRequiredService<AdmissionGate>();
        routes.MapPost(Route, Task<IResult> (HttpContext context) => TaskRequest.HandleAsync(context, options, gate, "echo", async (admit, cancel) =>
            {
                using var lease = await admit(cancel);
                var request = await JsonBody.ReadAsync<EchoRequest>(context.Request, options.MaxBodyBytes, """{"text": "hello"}""", cancel);
                var text = TextFields.Check(request.Text, "\"text\"", 20, Problems.BadText);
                return Results.Json(new EchoResponse(text.ToUpperInvariant(), ModelId));
            }))
            .WithName("CreateEcho").WithSummary("Echo a text, upper-cased.")
            .Produces<EchoResponse>().ProducesProblem(400).ProducesProblem(422)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A text of at most 20 characters.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Properties = new Dictionary<string, IOpenApiSchema> { ["text"] = ServerOpenApi.Of(JsonSchemaType.String, "What to echo.") },
                            },
                        },
                    },
                };
                return Task.CompletedTask;
            });
    }
}
