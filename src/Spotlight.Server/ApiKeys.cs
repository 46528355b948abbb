using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Spotlight.Server;

/// <summary>
/// The keys a client may present (one per line of the key file; blank lines and # comments skipped). Only their
/// SHA-256 digests are kept (the file's text is not), and a presented key is compared with every digest in constant
/// time, so the timing gives no key away. Keys are never logged.
/// </summary>
public sealed class ApiKeys
{
    private readonly byte[][] digests;

    private ApiKeys(byte[][] digests) => this.digests = digests;

    public int Count => digests.Length;

    public static ApiKeys Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpotlightException($"{path}: cannot read the API key file: {e.Message}");
        }
        var keys = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (keys.Count == 0) throw new SpotlightException($"{path}: the API key file holds no key (one per line)");
        if (keys.FirstOrDefault(k => k.Length < 16 || k.Any(c => c <= ' ' || c > '~')) is { } weak)
            throw new SpotlightException($"{path}: every key must be at least 16 printable ASCII characters without spaces (line {Array.FindIndex(lines, l => l.Trim() == weak) + 1} is not)");
        return new ApiKeys([.. keys.Select(Digest)]);
    }

    public bool Accepts(string presented)
    {
        var digest = Digest(presented);
        bool match = false;
        foreach (var known in digests) match |= CryptographicOperations.FixedTimeEquals(digest, known);
        return match;
    }

    /// <summary>The key of a request: <c>Authorization: Bearer KEY</c> or <c>X-API-Key: KEY</c>.</summary>
    public static string? Presented(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return auth[7..].Trim();
        return request.Headers["X-API-Key"].ToString() is { Length: > 0 } key ? key.Trim() : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>
/// With API keys configured, every Spotlight route needs one except those marked <see cref="PublicRoute"/> (the probes
/// and the page's own files, so orchestrators and browsers can load them); the rest get 401 problem+json with
/// <c>WWW-Authenticate: Bearer</c>.
/// An endpoint filter on Spotlight's routes rather than a middleware, so routes of an app that hosts Spotlight keep
/// their own rules, whatever the order of its middleware.
/// </summary>
internal static class ApiKeyCheck
{
    public static ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next, ApiKeys keys)
    {
        var presented = ApiKeys.Presented(context.HttpContext.Request);
        if (PublicRoute.Of(context.HttpContext.GetEndpoint()) || (presented is not null && keys.Accepts(presented)))
            return next(context);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = presented is null
            ? "this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
            : "the API key is not valid";
        return ValueTask.FromResult<object?>(ProblemResults.For(context.HttpContext, Problems.Unauthorized, detail));
    }
}

/// <summary>Marks a route that needs no API key (the probes, the page and its files), for the key check and the OpenAPI document.</summary>
public sealed class PublicRoute
{
    public static readonly PublicRoute Instance = new();

    private PublicRoute() { }

    public static bool Of(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<PublicRoute>() is not null;
}
