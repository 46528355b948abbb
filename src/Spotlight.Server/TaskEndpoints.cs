using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spotlight.Server;

/// <summary>The routes of the models served beside the captioner: translation, inpainting, and the list of all models.</summary>
public static class TaskEndpoints
{
    public const string TranslationOperationId = "CreateTranslation";
    public const string InpaintOperationId = "Inpaint";

    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/translations", (HttpContext context, TranslationService service) => service.HandleAsync(context))
            .WithName(TranslationOperationId)
            .WithSummary("Translate one sentence or a batch; optionally return n-best lists and the attention over source subwords.")
            .Produces<TranslationResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(504);

        app.MapPost("/v1/inpaint", (HttpContext context, InpaintService service) => service.HandleAsync(context))
            .WithName(InpaintOperationId)
            .WithSummary("Fill the hole of an image (mask image or box); answers the PNG, or JSON with format=json.")
            .Produces(200, contentType: "image/png").Produces<InpaintResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(504);

        app.MapGet("/v1/models", (ICaptionBackend captioner, TaskModels models) => Results.Json(List(captioner, models)))
            .WithName("ListModels").WithSummary("Every model this server hosts: task, endpoint, id (file@checksum) and config.")
            .Produces<IReadOnlyList<ServedModelInfo>>();
    }

    private static List<ServedModelInfo> List(ICaptionBackend captioner, TaskModels models)
    {
        var info = captioner.Info;
        var list = new List<ServedModelInfo>
        {
            new("captioning", "/v1/captions", info.Id, info.FileName, System.Text.Json.JsonSerializer.SerializeToElement(info.Config)),
        };
        if (models.Translation is { } t) list.Add(t.Info);
        if (models.Inpainting is { } i) list.Add(i.Info);
        return list;
    }
}
