using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Spotlight.Server;

/// <summary>
/// Inpainting: <c>POST /v1/inpaint</c> fills the hole (a mask image or <c>?box=</c>) of an image and answers the PNG,
/// or JSON with <c>?format=json</c> (<see cref="InpaintService"/>), one request at a time on the model.
/// </summary>
public sealed class InpaintingTask : ServedTask
{
    public const string TaskName = "inpainting";
    public const string Route = "/v1/inpaint";
    public const string OperationId = "Inpaint";

    private readonly InpaintingBackend? backend;
    private InpaintService? service;

    /// <param name="backend">The inpainting model (the caller owns it); null registers the route without a model (404).</param>
    public InpaintingTask(InpaintingBackend? backend) : this(backend, null) { }

    private InpaintingTask(InpaintingBackend? backend, IDisposable? owned) : base(owned) => this.backend = backend;

    /// <summary>Loads the inpainting model in <paramref name="path"/> (disposed with the task); null: no model.</summary>
    public static InpaintingTask Load(string? path)
    {
        if (path is null) return new InpaintingTask(null);
        var loaded = InpaintingBackend.Load(path);
        return new InpaintingTask(loaded, loaded);
    }

    public override string Name => TaskName;
    public override string Endpoint => Route;
    public override ServedModelInfo? Card => backend?.Info;
    public override string NotServedDetail => "this server has no inpainting model; start it with --inpainting-model MODEL";

    public override void Start(IServiceProvider services)
    {
        if (backend is not null)
            service = new InpaintService(services.GetRequiredService<ServerOptions>(), backend, services.GetRequiredService<AdmissionGate>());
    }

    public override void Map(IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<ServerOptions>();
        routes.MapPost(Route, Task<IResult> (HttpContext context) => (service ?? throw NotServed()).HandleAsync(context))
            .WithName(OperationId)
            .WithSummary("Fill the hole of an image (mask image or box); answers the PNG, or JSON with format=json.")
            .Produces(200, contentType: "image/png").Produces<InpaintResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(504)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                Describe(operation, options);
                return Task.CompletedTask;
            });
    }

    private static void Describe(OpenApiOperation operation, ServerOptions options)
    {
        operation.Parameters =
        [
            ServerOpenApi.Query("box", "The hole as x,y,w,h in the image's pixels, instead of a mask.", new OpenApiSchema { Type = JsonSchemaType.String }),
            ServerOpenApi.Query("format", "png (the filled image, the default) or json.",
                new OpenApiSchema { Type = JsonSchemaType.String, Default = JsonValue.Create("png") }),
            ServerOpenApi.Boolean("attention", "With format=json: add the offset-flow picture of where attention copied from."),
        ];
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"The image (at most {options.MaxBodyBytes} bytes in all and {options.MaxPixels} pixels) and a mask of its size "
                + "(white = hole) as form fields, or the image alone (raw body or field) with box=x,y,w,h.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = ServerOpenApi.Form([ImageUpload.FieldName, InpaintService.MaskField], ImageUpload.FieldName),
                ["image/*"] = new() { Schema = ServerOpenApi.Binary },
            },
        };
    }
}
