using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Spotlight.Server;

/// <summary>
/// The OpenAPI document's name and title, and the small schema pieces the tasks use to describe what the generated
/// document cannot see (each task parses its own query and body, to answer every mistake with a precise problem).
/// </summary>
public static class ServerOpenApi
{
    public const string DocumentName = "v1";

    public static void Configure(OpenApiOptions openApi)
    {
        openApi.AddDocumentTransformer((document, context, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Spotlight server",
                Version = "1",
                Description = "Image captions with per-word visual attention (Show, Attend and Tell); translation and inpainting when "
                    + "the server was started with those models. Errors are RFC 9457 problem+json.",
            };
            // With API keys, say how to send one: a bearer token or the X-API-Key header (either will do).
            if (context.ApplicationServices.GetService(typeof(ApiKeys)) is not null)
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [BearerScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "an API key as a bearer token" },
                    [HeaderScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-API-Key", Description = "an API key" },
                };
            }
            return Task.CompletedTask;
        });
        openApi.AddOperationTransformer((operation, context, _) =>
        {
            if (context.ApplicationServices.GetService(typeof(ApiKeys)) is null) return Task.CompletedTask;
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<PublicRoute>().Any()) return Task.CompletedTask;   // the probes
            operation.Security = [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [] },
            ];
            operation.Responses ??= new OpenApiResponses();
            operation.Responses["401"] = new OpenApiResponse { Description = "API key missing or not valid (problem+json, type urn:spotlight:problem:unauthorized)" };
            return Task.CompletedTask;
        });
    }

    public const string BearerScheme = "bearer", HeaderScheme = "api_key";

    public static OpenApiSchema Binary => new() { Type = JsonSchemaType.String, Format = "binary" };

    public static OpenApiSchema Of(JsonSchemaType type, string description) => new() { Type = type, Description = description };

    public static OpenApiParameter Query(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema };

    public static OpenApiParameter Boolean(string name, string description) =>
        Query(name, description, new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) });

    public static OpenApiParameter Integer(string name, string description, int min, int max) => Query(name, description, new OpenApiSchema
    {
        Type = JsonSchemaType.Integer,
        Minimum = min.ToString(CultureInfo.InvariantCulture),
        Maximum = max.ToString(CultureInfo.InvariantCulture),
    });

    /// <summary>A multipart form of binary fields (the first ones <paramref name="required"/>).</summary>
    public static OpenApiMediaType Form(IEnumerable<string> fields, params string[] required) => new()
    {
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = fields.ToDictionary(f => f, IOpenApiSchema (_) => Binary),
            Required = new HashSet<string>(required),
        },
    };
}
