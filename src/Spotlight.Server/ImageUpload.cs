using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Spotlight.Server;

/// <summary>The bytes of one uploaded image and the name its error messages use.</summary>
public sealed record UploadedImage(ReadOnlyMemory<byte> Data, string Name);

/// <summary>
/// Gets the image out of a request: a raw <c>image/*</c> (or <c>application/octet-stream</c>) body, or the field
/// <c>image</c> of a <c>multipart/form-data</c> body. The body is read into memory under the size limit first, so
/// Kestrel and the in-memory test server refuse the same requests with the same 413.
/// </summary>
public static class ImageUpload
{
    public const string FieldName = "image";
    private const int MaxSections = 32;

    public static async Task<UploadedImage> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        // This reader enforces the limit itself. Kestrel's own check would also fire when, after a 413, Kestrel
        // drains the unread rest of the body to keep the connection: it would then abort the connection, and the
        // client could lose the 413 already sent. Without it Kestrel drains (for at most 5 s) and the answer arrives.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = null;
        var mediaType = ParseContentType(request.ContentType);
        if (request.ContentLength is long declared && declared > maxBytes)
            throw TooLarge($"the body is {declared} bytes; the limit is {maxBytes}");
        var body = await ReadCappedAsync(request, maxBytes, cancel);
        if (body.Length == 0) throw new ProblemException(Problems.EmptyBody, "the request body is empty; send the image bytes");
        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await FromMultipartAsync(body, mediaType, cancel);
        return new UploadedImage(body, "image");
    }

    private static MediaTypeHeaderValue ParseContentType(string? contentType)
    {
        const string how = "send the image as a raw image/* body or as the field 'image' of multipart/form-data";
        if (string.IsNullOrWhiteSpace(contentType))
            throw new ProblemException(Problems.UnsupportedContentType, $"the request has no Content-Type; {how}");
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || !parsed.MediaType.HasValue)
            throw new ProblemException(Problems.UnsupportedContentType, $"Content-Type '{Clip(contentType)}' cannot be parsed; {how}");
        var type = parsed.MediaType.Value!;
        bool accepted = type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (!accepted) throw new ProblemException(Problems.UnsupportedContentType, $"Content-Type '{Clip(type)}' is not accepted; {how}");
        return parsed;
    }

    private static async Task<byte[]> ReadCappedAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancel)) > 0)
            {
                if (buffer.Length + read > maxBytes) throw TooLarge($"the body is more than the limit of {maxBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge($"the body is more than the limit of {maxBytes} bytes");
        }
        catch (BadHttpRequestException e)
        {
            throw new ProblemException(Problems.BadRequest, e.Message);
        }
        return buffer.ToArray();
    }

    private static async Task<UploadedImage> FromMultipartAsync(byte[] body, MediaTypeHeaderValue mediaType, CancellationToken cancel)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
            throw new ProblemException(Problems.BadMultipart, "multipart/form-data needs a boundary parameter of 1 to 70 characters");
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false));
        var seen = new List<string>();
        try
        {
            for (var section = await reader.ReadNextSectionAsync(cancel); section is not null; section = await reader.ReadNextSectionAsync(cancel))
            {
                if (seen.Count == MaxSections)
                    throw new ProblemException(Problems.BadMultipart, $"the form has more than {MaxSections} fields");
                var disposition = section.GetContentDispositionHeader();
                var name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value ?? "";
                seen.Add(name);
                bool formField = disposition?.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) == true;
                if (!formField || name != FieldName) continue;
                using var data = new MemoryStream();
                await section.Body.CopyToAsync(data, cancel);
                if (data.Length == 0) throw new ProblemException(Problems.EmptyBody, $"the form field '{FieldName}' is empty");
                var fileName = HeaderUtilities.RemoveQuotes(disposition!.FileName).Value;
                return new UploadedImage(data.ToArray(), SafeName(fileName));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ProblemException(Problems.BadMultipart, $"the multipart body cannot be read: {e.Message}");
        }
        var fields = seen.Count == 0 ? "no fields" : "fields: " + string.Join(", ", seen.Select(n => $"'{Clip(n)}'"));
        throw new ProblemException(Problems.MissingImage, $"the form has no field named '{FieldName}' ({fields})");
    }

    /// <summary>A client's file name, made safe to echo in one line of an error message.</summary>
    private static string SafeName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)) return "image";
        var printable = new string(fileName.Where(c => !char.IsControl(c)).ToArray());
        return printable.Length == 0 ? "image" : Clip(printable);
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";

    private static ProblemException TooLarge(string detail) => new(Problems.BodyTooLarge, detail);
}
