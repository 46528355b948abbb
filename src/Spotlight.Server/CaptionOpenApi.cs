using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Spotlight.Server;

/// <summary>
/// Fills in what the generated OpenAPI document cannot see, because the caption endpoint parses its own query and
/// body (to answer every mistake with a precise problem): the four query parameters and the two body forms.
/// </summary>
public static class CaptionOpenApi
{
    public const string DocumentName = "v1";
    public const string CaptionOperationId = "CreateCaption";

    public static void Configure(OpenApiOptions openApi, ServerOptions options)
    {
        openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Spotlight captioning server",
                Version = "1",
                Description = "Image captions with per-word visual attention (Show, Attend and Tell). Errors are RFC 9457 problem+json.",
            };
            return Task.CompletedTask;
        });
        openApi.AddOperationTransformer((operation, context, _) =>
        {
            if (operation.OperationId == CaptionOperationId) Describe(operation, options);
            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiOperation operation, ServerOptions options)
    {
        operation.Parameters =
        [
            Integer("beam", $"Beam width (1 = greedy). Default {options.DefaultBeam}.", 1, options.MaxBeam),
            Integer("max_length", "Most words to generate. Default: the model's own limit.", 1, options.MaxLength),
            new OpenApiParameter
            {
                Name = "attention", In = ParameterLocation.Query,
                Description = "Include the per-token attention maps (grid_height × grid_width weights per token).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) },
            },
            Integer("alternatives", "List this many beam hypotheses with their scores (at most beam).", 1, options.MaxBeam),
        ];
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"A JPEG, PNG, WebP, BMP or GIF image, at most {options.MaxBodyBytes} bytes and {options.MaxPixels} pixels: "
                + "either the raw body (Content-Type image/* or application/octet-stream) or the field 'image' of a form.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema> { [ImageUpload.FieldName] = binary },
                        Required = new HashSet<string> { ImageUpload.FieldName },
                    },
                },
                ["image/*"] = new() { Schema = binary },
                ["application/octet-stream"] = new() { Schema = binary },
            },
        };
    }

    private static OpenApiParameter Integer(string name, string description, int min, int max) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Minimum = min.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Maximum = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}
