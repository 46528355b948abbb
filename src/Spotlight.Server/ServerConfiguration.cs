using Microsoft.Extensions.Configuration;

namespace Spotlight.Server;

/// <summary>
/// The server's settings the ASP.NET Core way: a "Spotlight" section (keys named as <see cref="ServerOptions"/>'
/// properties) from appsettings.json, a --config file and environment variables (<c>Spotlight__MaxBatch=16</c>);
/// addresses also from <c>ASPNETCORE_URLS</c>; TLS from Kestrel's own "Kestrel" section (certificates, endpoints;
/// endpoints named there replace the addresses, as in any ASP.NET Core app).
/// The command line's flags override all of it.
/// </summary>
public static class ServerConfiguration
{
    public const string Section = "Spotlight";

    /// <summary>
    /// appsettings.json in <paramref name="directory"/> (when present), then <paramref name="file"/> (which must
    /// exist), then the environment: later sources win.
    /// </summary>
    public static IConfigurationRoot Load(string? file, string directory, bool environment = true)
    {
        var appsettings = Path.Combine(Path.GetFullPath(directory), "appsettings.json");
        var files = new List<string>();
        if (File.Exists(appsettings)) files.Add(appsettings);
        if (file is not null)
        {
            if (!File.Exists(file)) throw new SpotlightException($"{file}: no such configuration file");
            files.Add(Path.GetFullPath(file));
        }
        var builder = new ConfigurationBuilder();
        foreach (var json in files)
        {
            IConfigurationRoot one;
            try
            {
                one = new ConfigurationBuilder().AddJsonFile(json, optional: false).Build();   // alone, so an error names its file
            }
            catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
            {
                throw new SpotlightException($"{json}: not a valid JSON configuration file: {(e.InnerException ?? e).Message.ReplaceLineEndings(" ")}");
            }
            builder.AddConfiguration(one);   // read once; later sources still win
        }
        if (environment) builder.AddEnvironmentVariables();
        return builder.Build();
    }

    /// <summary>The options the configuration sets over <paramref name="defaults"/>; an unknown key or a bad value is one error line.</summary>
    public static ServerOptions Bind(IConfiguration configuration, ServerOptions? defaults = null)
    {
        var section = configuration.GetSection(Section);
        var original = defaults ?? new ServerOptions();
        // Bound onto a copy, so only the keys the section names change. The two lists are read separately below: the
        // binder would append to their defaults instead of replacing them, and cannot read "a;b" strings.
        var options = original with { };
        var lists = new[] { nameof(ServerOptions.Urls), nameof(ServerOptions.CorsOrigins) };
        var scalars = new ConfigurationBuilder().AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null && !lists.Any(l => kv.Key.Equals(l, StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith(l + ":", StringComparison.OrdinalIgnoreCase)))).Build();
        try
        {
            scalars.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new SpotlightException($"configuration section '{Section}': {e.Message.ReplaceLineEndings(" ")}");
        }
        var urls = List(section.GetSection(nameof(ServerOptions.Urls))) ?? Split(configuration["ASPNETCORE_URLS"]);
        var origins = List(section.GetSection(nameof(ServerOptions.CorsOrigins)));
        return options with { Urls = urls ?? original.Urls, CorsOrigins = origins ?? original.CorsOrigins };
    }

    /// <summary>A list setting given either as one "a;b" string or as an array (Urls:0, Urls:1, …); null when absent.</summary>
    private static IReadOnlyList<string>? List(IConfigurationSection section) =>
        section.Value is { } single ? Split(single)
        : section.GetChildren().Select(c => c.Value).OfType<string>().ToList() is { Count: > 0 } items ? items : null;

    private static IReadOnlyList<string>? Split(string? value) =>
        value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } parts ? parts : null;

    /// <summary>An https:// address needs a certificate in Kestrel's configuration; say so before Kestrel does, in one line.</summary>
    public static void RequireCertificate(ServerOptions options, IConfiguration? configuration)
    {
        var https = options.Urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (https is null) return;
        var kestrel = configuration?.GetSection("Kestrel");
        bool hasCertificate = kestrel is not null && (kestrel.GetSection("Certificates:Default").GetChildren().Any()
            || kestrel.GetSection("Endpoints").GetChildren().Any(e => e.GetSection("Certificate").GetChildren().Any()));
        if (!hasCertificate)
            throw new SpotlightException($"--urls: {https} needs a certificate: set Kestrel:Certificates:Default:Path (and :Password) in --config or appsettings.json, or the environment variables Kestrel__Certificates__Default__Path and Kestrel__Certificates__Default__Password");
    }
}
