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
                Title = "Spotlight server",
                Version = "1",
                Description = "Image captions with per-word visual attention (Show, Attend and Tell); translation and inpainting when "
                    + "the server was started with those models. Errors are RFC 9457 problem+json.",
            };
            return Task.CompletedTask;
        });
        openApi.AddOperationTransformer((operation, context, _) =>
        {
            if (operation.OperationId == CaptionOperationId) Describe(operation, options);
            if (operation.OperationId == TaskEndpoints.TranslationOperationId) DescribeTranslation(operation, options);
            if (operation.OperationId == TaskEndpoints.InpaintOperationId) DescribeInpaint(operation, options);
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

    private static void DescribeTranslation(OpenApiOperation operation, ServerOptions options)
    {
        static OpenApiSchema Of(JsonSchemaType type, string description) => new() { Type = type, Description = description };
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
                            ["text"] = Of(JsonSchemaType.String, "One sentence."),
                            ["texts"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Of(JsonSchemaType.String, "A sentence."), Description = "Sentences decoded together." },
                            ["beam"] = Of(JsonSchemaType.Integer, $"Beam width, 1 (greedy) to {options.MaxBeam}. Default 5."),
                            ["nbest"] = Of(JsonSchemaType.Integer, "Hypotheses per sentence, at most the beam. Default 1."),
                            ["attention"] = Of(JsonSchemaType.Boolean, "Include each target subword's attention over the source subwords."),
                            ["length_penalty"] = Of(JsonSchemaType.String, "none, avg (len^alpha) or gnmt (((5+len)/6)^alpha, the default)."),
                            ["alpha"] = Of(JsonSchemaType.Number, "Length penalty exponent. Default 0.6."),
                        },
                    },
                },
            },
        };
    }

    private static void DescribeInpaint(OpenApiOperation operation, ServerOptions options)
    {
        operation.Parameters =
        [
            new OpenApiParameter
            {
                Name = "box", In = ParameterLocation.Query, Description = "The hole as x,y,w,h in the image's pixels, instead of a mask.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            },
            new OpenApiParameter
            {
                Name = "format", In = ParameterLocation.Query, Description = "png (the filled image, the default) or json.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Default = JsonValue.Create("png") },
            },
            new OpenApiParameter
            {
                Name = "attention", In = ParameterLocation.Query, Description = "With format=json: add the offset-flow picture of where attention copied from.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) },
            },
        ];
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"The image (at most {options.MaxBodyBytes} bytes in all and {options.MaxPixels} pixels) and a mask of its size "
                + "(white = hole) as form fields, or the image alone (raw body or field) with box=x,y,w,h.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema> { [ImageUpload.FieldName] = binary, [InpaintService.MaskField] = binary },
                        Required = new HashSet<string> { ImageUpload.FieldName },
                    },
                },
                ["image/*"] = new() { Schema = binary },
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
