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
public sealed class InpaintingTask : ExclusiveModelTask<InpaintingBackend, InpaintService>
{
    public const string TaskName = "inpainting";
    public const string Route = "/v1/inpaint";
    public const string Operation = "Inpaint";

    /// <param name="backend">The inpainting model (the caller owns it); null registers the route without a model (404).</param>
    public InpaintingTask(InpaintingBackend? backend) : this(backend, null) { }

    private InpaintingTask(InpaintingBackend? backend, IDisposable? owned) : base(backend, owned) { }

    /// <summary>Loads the inpainting model in <paramref name="path"/> (disposed with the task); null: no model.</summary>
    public static InpaintingTask Load(string? path)
    {
        if (path is null) return new InpaintingTask(null);
        var loaded = InpaintingBackend.Load(path);
        return new InpaintingTask(loaded, loaded);
    }

    public override string Name => TaskName;
    public override string Endpoint => Route;
    public override string NotServedDetail => "this server has no inpainting model; start it with --inpainting-model MODEL";

    protected override InpaintService CreateService(ServerOptions options, InpaintingBackend backend, AdmissionGate gate) => new(options, backend, gate);

    protected override string OperationId => Operation;
    protected override string Summary => "Fill the hole of an image (mask image or box); answers the PNG, or JSON with format=json.";
    protected override RouteHandlerBuilder Responses(RouteHandlerBuilder route) => route.Produces(200, contentType: "image/png").Produces<InpaintResponse>();

    protected override void Describe(OpenApiOperation operation, ServerOptions options)
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
