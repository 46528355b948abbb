using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Spotlight.Server;

/// <summary>The page's files, read once from the assembly's resources (Web/*), each with its type and an ETag.</summary>
public static class WebAssets
{
    public sealed record Asset(string Name, string ContentType, byte[] Bytes, string ETag);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static Asset? Find(string name) => Assets.GetValueOrDefault(name);

    public static IReadOnlyCollection<string> Names => Assets.Keys;

    private static FrozenDictionary<string, Asset> Load()
    {
        const string prefix = "Spotlight.Server.Web.";
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource[prefix.Length..];
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            assets[name] = new Asset(name, ContentTypeOf(name), bytes, etag);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
