namespace Spotlight.Server;

/// <summary>
/// Everything <c>spotlight serve</c> can be told. Defaults are safe for a laptop: loopback only, 10 MB bodies,
/// 40 megapixels, batches of up to 8 gathered for at most 5 ms.
/// </summary>
public sealed record ServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Addresses to listen on. Only loopback unless a URL names another interface explicitly.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>Most images decoded together in one batched forward pass (1 turns batching off).</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>How long the first request of a batch waits for others to join it.</summary>
    public int MaxWaitMs { get; init; } = 5;

    /// <summary>Caption requests admitted at once (reading, decoding the image, waiting for or in a batch).</summary>
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>Requests allowed to wait for admission; one more is refused with 429.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Request body ceiling in bytes (multipart framing included).</summary>
    public long MaxBodyBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>Pixel ceiling, checked from the image header before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>Admission wait + decode + caption must finish within this, or the request gets 504.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stopping server lets in-flight requests finish (the host's ShutdownTimeout).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bounds of the query parameters (the page and the OpenAPI document show them).</summary>
    public int MaxBeam { get; init; } = 10;
    public int MaxLength { get; init; } = 100;

    /// <summary>Most sentences in one translation request, and most characters in one sentence.</summary>
    public int MaxSentences { get; init; } = 64;
    public int MaxSentenceChars { get; init; } = 2000;

    /// <summary>Defaults for a request that names no beam.</summary>
    public int DefaultBeam { get; init; } = 3;

    /// <summary>Request log lines as JSON objects (one per line) instead of plain text.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>A file of API keys, one per line: when set, every request but the probes and the page needs one.</summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>Origins a browser may call the API from (CORS); empty (the default) sends no CORS headers at all.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    public void Validate()
    {
        if (Urls.Count == 0) throw new SpotlightException("--urls must name at least one address");
        foreach (var url in Urls)
        {
            // https:// takes its certificate from Kestrel's configuration (Kestrel:Certificates:Default), see ServerConfiguration.
            bool http = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && url.Length > "http://".Length;
            bool https = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && url.Length > "https://".Length;
            if (!http && !https) throw new SpotlightException($"--urls: '{url}' is not an http:// or https:// address");
        }
        foreach (var origin in CorsOrigins)
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var o) && o.Scheme is "http" or "https" && o.AbsolutePath == "/" && !origin.EndsWith('/')))
                throw new SpotlightException($"--cors-origin: '{origin}' is not an origin like https://example.com (scheme, host and port only) or *");
        Check(MaxBatch, 1, 256, "--max-batch");
        Check(MaxWaitMs, 0, 10_000, "--max-wait-ms");
        Check(MaxConcurrency, 1, 10_000, "--max-concurrency");
        Check(MaxQueue, 0, 100_000, "--max-queue");
        if (MaxBodyBytes < 1) throw new SpotlightException($"--max-body-bytes must be positive, got {MaxBodyBytes}");
        if (MaxPixels < 1) throw new SpotlightException($"--max-pixels must be positive, got {MaxPixels}");
        if (RequestTimeout <= TimeSpan.Zero) throw new SpotlightException("the request timeout must be positive");
        if (ShutdownTimeout < TimeSpan.Zero) throw new SpotlightException("the shutdown timeout must not be negative");
        Check(MaxBeam, 1, 50, "max beam");
        Check(MaxLength, 1, 200, "max length");
        Check(DefaultBeam, 1, MaxBeam, "default beam");
        Check(MaxSentences, 1, 10_000, "max sentences");
        Check(MaxSentenceChars, 1, 1_000_000, "max sentence characters");
    }

    private static void Check(long value, long min, long max, string name)
    {
        if (value < min || value > max) throw new SpotlightException($"{name} must be between {min} and {max}, got {value}");
    }
}
