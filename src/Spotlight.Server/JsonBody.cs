using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Spotlight.Server;

/// <summary>
/// A JSON request body, read the one way every JSON endpoint reads it: Content-Type JSON (else 415), the body under
/// the size limit (413), not empty (400 empty-body), snake_case fields with unknown ones refused (400 bad-json), as
/// unknown query parameters are refused elsewhere.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions RequestJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The body as <typeparamref name="T"/>; <paramref name="example"/>, a small valid body, is quoted in every refusal.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, long maxBytes, string example, CancellationToken cancel) where T : class
    {
        string how = $"send a JSON object such as {example} with Content-Type application/json";
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !IsJson(type.MediaType.Value))
            throw new ProblemException(Problems.UnsupportedContentType, $"Content-Type '{Clip(request.ContentType ?? "", 60)}' is not JSON; {how}");
        var body = await RequestBody.ReadCappedAsync(request, maxBytes, cancel);
        if (body.Length == 0) throw new ProblemException(Problems.EmptyBody, $"the request body is empty; {how}");
        try
        {
            return JsonSerializer.Deserialize<T>(body, RequestJson)
                ?? throw new ProblemException(Problems.BadJson, $"the body is JSON null; {how}");
        }
        catch (JsonException e)
        {
            throw new ProblemException(Problems.BadJson, $"the body is not a valid request: {Clip(e.Message, 200)}");
        }
    }

    /// <summary>application/json or any <c>+json</c> type.</summary>
    public static bool IsJson(string? mediaType) => mediaType is not null
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>At most <paramref name="length"/> characters of a client's text, for a problem's detail.</summary>
    public static string Clip(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
