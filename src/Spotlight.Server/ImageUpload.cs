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

    public static async Task<UploadedImage> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancel) =>
        (await ReadFormAsync(request, maxBytes, [FieldName], cancel))[FieldName];

    /// <summary>
    /// The image fields of a form, the first of <paramref name="fields"/> required, the others optional (absent when
    /// not sent). A raw image body is the first field alone.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, UploadedImage>> ReadFormAsync(HttpRequest request, long maxBytes,
        IReadOnlyList<string> fields, CancellationToken cancel)
    {
        var mediaType = ParseContentType(request.ContentType, fields[0]);
        var body = await RequestBody.ReadCappedAsync(request, maxBytes, cancel);
        if (body.Length == 0) throw new ProblemException(Problems.EmptyBody, "the request body is empty; send the image bytes");
        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await FromMultipartAsync(body, mediaType, fields, cancel);
        return new Dictionary<string, UploadedImage> { [fields[0]] = new UploadedImage(body, fields[0]) };
    }

    private static MediaTypeHeaderValue ParseContentType(string? contentType, string field)
    {
        string how = $"send the image as a raw image/* body or as the field '{field}' of multipart/form-data";
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

    private static async Task<IReadOnlyDictionary<string, UploadedImage>> FromMultipartAsync(byte[] body, MediaTypeHeaderValue mediaType,
        IReadOnlyList<string> fields, CancellationToken cancel)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
            throw new ProblemException(Problems.BadMultipart, "multipart/form-data needs a boundary parameter of 1 to 70 characters");
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false));
        var seen = new List<string>();
        var found = new Dictionary<string, UploadedImage>(StringComparer.Ordinal);
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
                if (!formField || !fields.Contains(name)) continue;
                if (found.ContainsKey(name)) throw new ProblemException(Problems.BadMultipart, $"the form has the field '{name}' twice");
                using var data = new MemoryStream();
                await section.Body.CopyToAsync(data, cancel);
                if (data.Length == 0) throw new ProblemException(Problems.EmptyBody, $"the form field '{name}' is empty");
                var fileName = HeaderUtilities.RemoveQuotes(disposition!.FileName).Value;
                found[name] = new UploadedImage(data.ToArray(), SafeName(fileName, name));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ProblemException(Problems.BadMultipart, $"the multipart body cannot be read: {e.Message}");
        }
        if (found.ContainsKey(fields[0])) return found;
        var listed = seen.Count == 0 ? "no fields" : "fields: " + string.Join(", ", seen.Select(n => $"'{Clip(n)}'"));
        throw new ProblemException(Problems.MissingImage, $"the form has no field named '{fields[0]}' ({listed})");
    }

    /// <summary>A client's file name, made safe to echo in one line of an error message.</summary>
    private static string SafeName(string? fileName, string field)
    {
        if (string.IsNullOrWhiteSpace(fileName)) return field;
        var printable = new string(fileName.Where(c => !char.IsControl(c)).ToArray());
        return printable.Length == 0 ? field : Clip(printable);
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
