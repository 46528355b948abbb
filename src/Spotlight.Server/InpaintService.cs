using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Spotlight.Inpainting;
using Spotlight.Vision;

namespace Spotlight.Server;

public sealed record InpaintResponse(string ImagePng, double HoleRatio, int Size, string Model, TaskTimings Timings, string? OffsetFlowPng);

/// <summary>
/// <c>POST /v1/inpaint</c>: a form with the fields <c>image</c> and <c>mask</c> (same size, white = hole), or the
/// image (raw body or form field) with <c>?box=x,y,w,h</c>. Image and mask go through the same resize and crop as
/// <c>spotlight inpaint</c>. Answers the filled PNG, or with <c>?format=json</c> a JSON object holding it (and, with
/// <c>attention=true</c>, the offset-flow picture of where attention copied from).
/// </summary>
public sealed class InpaintService(ServerOptions options, InpaintingBackend backend, AdmissionGate gate) : ITaskService
{
    public const string MaskField = "mask";

    public Task<IResult> HandleAsync(HttpContext context) => TaskRequest.HandleAsync(context, options, gate, "answer", async (admit, cancel) =>
    {
        long started = Stopwatch.GetTimestamp();
        var (box, json, attention) = ParseQuery(context.Request.Query);
        using var lease = await admit(cancel);
        var form = await ImageUpload.ReadFormAsync(context.Request, options.MaxBodyBytes, [ImageUpload.FieldName, MaskField], cancel);
        var image = form[ImageUpload.FieldName];
        var mask = form.GetValueOrDefault(MaskField);
        if ((mask is null) == (box is null))
            throw new ProblemException(mask is null ? Problems.MissingImage : Problems.BadSetting, mask is null
                ? "give the hole: a form field 'mask' (white = hole, the image's size) or the query parameter box=x,y,w,h"
                : "give the hole once: either the field 'mask' or box=x,y,w,h, not both");
        long pixels = ImageInput.ReadHeader(image, options.MaxPixels).Pixels;
        if (mask is not null) ImageInput.ReadHeader(mask, options.MaxPixels);
        RequestLog.SetImage(context, image.Data.Length, pixels);
        var (rgb, hole) = Prepare(image, mask, box, backend.ImageSize);
        var (result, queue, work) = await backend.Model.RunAsync(m => m.Fill(rgb, hole, keepAttention: json && attention), cancel);
        var png = AttentionReport.Png(result.Composite);
        if (!json)
        {
            context.Response.Headers["X-Spotlight-Model"] = backend.Info.Id;
            context.Response.Headers["X-Spotlight-Hole-Ratio"] = hole.Ratio.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
            return Results.Bytes(png, "image/png");
        }
        string? flow = attention ? Convert.ToBase64String(AttentionReport.Png(AttentionMap.From(result, hole).OffsetFlow(result.Composite))) : null;
        var timings = new TaskTimings(queue.TotalMilliseconds, work.TotalMilliseconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Results.Json(new InpaintResponse(Convert.ToBase64String(png), hole.Ratio, backend.ImageSize, backend.Info.Id, timings, flow));
    });

    private (RgbImage Image, HoleMask Hole) Prepare(UploadedImage image, UploadedImage? mask, int[]? box, int size)
    {
        using var bitmap = Decode(image);
        using var maskBitmap = mask is null ? null : Decode(mask);
        try
        {
            return InpaintingInput.Prepare(bitmap, image.Name, maskBitmap, mask?.Name, box, size);
        }
        catch (SpotlightException e)
        {
            throw new ProblemException(Problems.BadMask, e.Message.Replace("--box ", "box=", StringComparison.Ordinal));
        }
    }

    private SkiaSharp.SKBitmap Decode(UploadedImage upload)
    {
        try
        {
            return ImageDecoder.Decode(upload.Data.Span, upload.Name, new ImageLimits(MaxBytes: long.MaxValue, MaxPixels: options.MaxPixels));
        }
        catch (SpotlightException e)
        {
            throw new ProblemException(Problems.UndecodableImage, e.Message);
        }
    }

    private static (int[]? Box, bool Json, bool Attention) ParseQuery(IQueryCollection query)
    {
        foreach (var key in query.Keys)
            if (key is not ("box" or "format" or "attention"))
                throw new ProblemException(Problems.BadParameter, $"unknown query parameter '{(key.Length <= 40 ? key : key[..40])}' (known: box, format, attention)");
        int[]? box = null;
        if (query.TryGetValue("box", out var boxText))
        {
            try { box = InpaintingInput.ParseBox(boxText.ToString()); }
            catch (SpotlightException e) { throw new ProblemException(Problems.BadParameter, e.Message.Replace("--box ", "box=", StringComparison.Ordinal)); }
            if (box.Length != 4) throw new ProblemException(Problems.BadParameter, $"box needs x,y,w,h (four integers), got {box.Length} numbers");
        }
        bool json = query["format"].ToString() switch
        {
            "" or "png" => false,
            "json" => true,
            var other => throw new ProblemException(Problems.BadParameter, $"format must be png or json, got '{(other.Length <= 20 ? other : other[..20])}'"),
        };
        bool attention = query["attention"].ToString() switch
        {
            "" or "false" or "0" => false,
            "true" or "1" => true,
            var other => throw new ProblemException(Problems.BadParameter, $"attention must be true or false, got '{(other.Length <= 20 ? other : other[..20])}'"),
        };
        if (attention && !json) throw new ProblemException(Problems.BadParameter, "attention=true needs format=json (a PNG answer has room for one picture)");
        return (box, json, attention);
    }
}
