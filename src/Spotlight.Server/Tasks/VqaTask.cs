using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Spotlight.Vision;
using Spotlight.Vqa;

namespace Spotlight.Server;

/// <summary>One answer of <c>POST /v1/answers</c>; <see cref="Attention"/> (per hop, row-major over the grid) only on request.</summary>
public sealed record VqaResponse(string Question, string Answer, float Probability, IReadOnlyList<ScoredAnswer> Top, string Model,
    TaskTimings Timings, int? GridSize = null, IReadOnlyList<float[]>? Attention = null);

/// <summary>
/// Visual question answering: <c>POST /v1/answers</c> takes an image (raw body with <c>?question=</c>, or the form
/// fields <c>image</c> and <c>question</c>) and answers JSON: the answer, its probability, the top answers and, with
/// <c>attention=true</c>, each hop's map. The same preprocessing and question checks as <c>spotlight vqa ask</c>.
/// </summary>
public sealed class VqaTask : ServedTask
{
    public const string TaskName = "vqa";
    public const string Route = "/v1/answers";
    public const string QuestionField = "question";

    private readonly VqaBackend? backend;
    private ServerOptions? options;
    private AdmissionGate? gate;

    private VqaTask(VqaBackend? backend) : base(backend) => this.backend = backend;

    /// <summary>Loads the VQA model in <paramref name="path"/> (disposed with the task); null: no model (the route answers 404).</summary>
    public static VqaTask Load(string? path) => new(path is null ? null : new VqaBackend(VqaModel.Load(path), path));

    public override string Name => TaskName;
    public override string Endpoint => Route;
    public override ServedModelInfo? Card => backend?.Info;
    public override string NotServedDetail => "this server has no VQA model; start it with --vqa-model MODEL";

    public override void Start(IServiceProvider services)
    {
        options = services.GetRequiredService<ServerOptions>();
        gate = services.GetRequiredService<AdmissionGate>();
    }

    public override void Map(IEndpointRouteBuilder routes)
    {
        var serverOptions = routes.ServiceProvider.GetRequiredService<ServerOptions>();
        routes.MapPost(Route, Task<IResult> (HttpContext context) => backend is null ? throw NotServed() : HandleAsync(context, backend))
            .WithName("Answer")
            .WithSummary("Answer a question about an image; the answer, its probability, the top answers and (attention=true) each hop's map.")
            .Produces<VqaResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .ProducesProblem(429).ProducesProblem(504)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters =
                [
                    ServerOpenApi.Query(QuestionField, "The question, when the image is the raw body (or give the form field 'question').",
                        new OpenApiSchema { Type = JsonSchemaType.String }),
                    ServerOpenApi.Query("top", "How many answers to list (1-20, default 5).", new OpenApiSchema { Type = JsonSchemaType.Integer }),
                    ServerOpenApi.Boolean("attention", "Add each attention hop's map over the region grid."),
                ];
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = $"The image (at most {serverOptions.MaxBodyBytes} bytes and {serverOptions.MaxPixels} pixels) and the question "
                        + $"(at most {VqaModel.MaxQuestionCharacters} characters).",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["multipart/form-data"] = ServerOpenApi.Form([ImageUpload.FieldName, QuestionField], ImageUpload.FieldName),
                        ["image/*"] = new() { Schema = ServerOpenApi.Binary },
                    },
                };
                return Task.CompletedTask;
            });
    }

    private Task<IResult> HandleAsync(HttpContext context, VqaBackend model) =>
        TaskRequest.HandleAsync(context, options!, gate!, "answer", async (admit, cancel) =>
        {
            long started = Stopwatch.GetTimestamp();
            var query = context.Request.Query;
            foreach (var key in query.Keys)
                if (key is not (QuestionField or "top" or "attention"))
                    throw new ProblemException(Problems.BadParameter, $"unknown query parameter '{(key.Length <= 40 ? key : key[..40])}' (known: question, top, attention)");
            int top = query["top"].ToString() is { Length: > 0 } t
                ? int.TryParse(t, out var n) && n is >= 1 and <= 20 ? n : throw new ProblemException(Problems.BadParameter, "top must be an integer from 1 to 20")
                : 5;
            bool attention = query["attention"].ToString() switch
            {
                "" or "false" or "0" => false,
                "true" or "1" => true,
                _ => throw new ProblemException(Problems.BadParameter, "attention must be true or false"),
            };
            using var lease = await admit(cancel);
            var form = await ImageUpload.ReadFormAsync(context.Request, options!.MaxBodyBytes, [ImageUpload.FieldName, QuestionField], cancel);
            string? fromForm = form.TryGetValue(QuestionField, out var field) ? Encoding.UTF8.GetString(field.Data.Span) : null;
            string? fromQuery = query.ContainsKey(QuestionField) ? query[QuestionField].ToString() : null;
            if (fromForm is not null && fromQuery is not null)
                throw new ProblemException(Problems.BadParameter, "give the question once: the form field 'question' or ?question=, not both");
            if (fromForm is null && fromQuery is null)
                throw new ProblemException(Problems.BadQuestion, "no question: send the form field 'question' or ?question=");
            var question = TextFields.Check(fromForm ?? fromQuery, QuestionField, VqaModel.MaxQuestionCharacters, Problems.BadQuestion);
            int[] ids;
            try { ids = model.EncodeQuestion(question); }
            catch (SpotlightException e) { throw new ProblemException(Problems.BadQuestion, e.Message); }
            var image = form[ImageUpload.FieldName];
            long pixels = ImageInput.ReadHeader(image, options.MaxPixels).Pixels;
            RequestLog.SetImage(context, image.Data.Length, pixels);
            TorchSharp.torch.Tensor pixelsTensor;
            try
            {
                var rgb = ImagePipeline.LoadAndCrop(image.Data.Span, image.Name, model.Preprocessing, new ImageLimits(MaxBytes: long.MaxValue, MaxPixels: options.MaxPixels));
                pixelsTensor = ImageTensor.FromPixels(rgb, model.Preprocessing);
            }
            catch (SpotlightException e) { throw new ProblemException(Problems.UndecodableImage, e.Message); }
            using var batch = pixelsTensor.unsqueeze(0);
            pixelsTensor.Dispose();
            var (answer, queue, work) = await model.Model.RunAsync(m => m.Ask(batch, [ids], top)[0], cancel);
            var timings = new TaskTimings(queue.TotalMilliseconds, work.TotalMilliseconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return Results.Json(new VqaResponse(question, answer.Answer, answer.Probability, answer.Top, model.Info.Id, timings,
                attention ? answer.GridSize : null, attention ? answer.HopMaps : null));
        });
}

/// <summary>A VQA model behind <c>POST /v1/answers</c>, one request at a time.</summary>
public sealed class VqaBackend : IDisposable
{
    public VqaBackend(VqaModel model, string path)
    {
        Preprocessing = model.Preprocessing;
        EncodeQuestion = model.EncodeQuestion;   // reads only the vocabulary, which never changes: no need to wait for the model
        Model = new ExclusiveModel<VqaModel>(model);
        Info = TranslationBackend.Describe(VqaTask.TaskName, VqaTask.Route, path, JsonSerializer.SerializeToElement(model.Config, VqaModel.Json));
    }

    public ServedModelInfo Info { get; }
    public ImagePreprocessing Preprocessing { get; }
    public Func<string, int[]> EncodeQuestion { get; }
    public ExclusiveModel<VqaModel> Model { get; }

    public void Dispose() => Model.Dispose();
}
