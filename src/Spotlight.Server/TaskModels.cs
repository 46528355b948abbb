using System.Text.Json;
using Spotlight.Checkpoints;
using Spotlight.Inpainting;
using Spotlight.Translation;

namespace Spotlight.Server;

/// <summary>What <c>GET /v1/models</c> lists for each served model.</summary>
public sealed record ServedModelInfo(string Task, string Endpoint, string Id, string File, JsonElement Config);

/// <summary>A translator behind <c>POST /v1/translations</c>.</summary>
public sealed class TranslationBackend : IServedBackend, IDisposable
{
    public TranslationBackend(Translator translator, string path)
    {
        Model = new ExclusiveModel<Translator>(translator);
        Info = Describe(TranslationTask.TaskName, TranslationTask.Route, path, JsonSerializer.SerializeToElement(translator.Config, Translator.Json));
    }

    public ServedModelInfo Info { get; }
    public ExclusiveModel<Translator> Model { get; }

    public static TranslationBackend Load(string path) => new(Translator.Load(path), path);

    internal static ServedModelInfo Describe(string task, string endpoint, string path, JsonElement config)
    {
        var checksum = SafeTensors.ReadHeader(path).Metadata.GetValueOrDefault(SpotlightChecksum.Key) ?? "";
        var fileName = Path.GetFileName(path);
        return new ServedModelInfo(task, endpoint, CaptionModelBackend.Id(fileName, checksum), fileName, config);
    }

    public void Dispose() => Model.Dispose();
}

/// <summary>An inpainting model behind <c>POST /v1/inpaint</c>.</summary>
public sealed class InpaintingBackend : IServedBackend, IDisposable
{
    public InpaintingBackend(InpaintingModel model, string path)
    {
        ImageSize = model.ImageSize;
        Model = new ExclusiveModel<InpaintingModel>(model);
        Info = TranslationBackend.Describe(InpaintingTask.TaskName, InpaintingTask.Route, path, JsonSerializer.SerializeToElement(model.Config, InpaintingModel.Json));
    }

    public ServedModelInfo Info { get; }
    public int ImageSize { get; }
    public ExclusiveModel<InpaintingModel> Model { get; }

    public static InpaintingBackend Load(string path) => new(InpaintingModel.Load(path), path);

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// The models <see cref="CaptionServer.Build(ServerOptions, ICaptionBackend, Action{Microsoft.AspNetCore.Builder.WebApplicationBuilder}?, TaskModels?)"/>
/// serves beside its captioner; the endpoints of absent ones answer 404.
/// </summary>
public sealed record TaskModels(TranslationBackend? Translation = null, InpaintingBackend? Inpainting = null);
