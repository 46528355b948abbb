using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Spotlight.Server;

/// <summary>One kind of RFC 9457 problem: its status, a stable type URI and a short title.</summary>
public sealed record ProblemKind(int Status, string Slug, string Title)
{
    public string Type => "urn:spotlight:problem:" + Slug;
}

/// <summary>
/// Every problem the server answers with. Bad input is always a 4xx with one of these titles and a detail that says
/// what was wrong with this request; only <see cref="Internal"/> is a 500.
/// </summary>
public static class Problems
{
    public static readonly ProblemKind EmptyBody = new(400, "empty-body", "Empty request body");
    public static readonly ProblemKind BadParameter = new(400, "bad-parameter", "Invalid query parameter");
    public static readonly ProblemKind BadMultipart = new(400, "bad-multipart", "Malformed multipart body");
    public static readonly ProblemKind MissingImage = new(400, "missing-image", "No image in the form");
    public static readonly ProblemKind BadRequest = new(400, "bad-request", "Bad request");
    public static readonly ProblemKind BadJson = new(400, "bad-json", "Malformed JSON body");
    public static readonly ProblemKind BadSetting = new(400, "bad-setting", "Invalid request setting");
    public static readonly ProblemKind BadDecoding = new(422, "bad-decoding-parameter", "Decoding parameter out of range");
    public static readonly ProblemKind BadText = new(422, "bad-text", "Text cannot be translated");
    public static readonly ProblemKind BadMask = new(422, "bad-mask", "Mask not usable");
    public static readonly ProblemKind BadQuestion = new(422, "bad-question", "Question cannot be answered");
    public static readonly ProblemKind Unauthorized = new(401, "unauthorized", "API key missing or not valid");
    public static readonly ProblemKind NotFound = new(404, "not-found", "Not found");
    public static readonly ProblemKind MethodNotAllowed = new(405, "method-not-allowed", "Method not allowed");
    public static readonly ProblemKind BodyTooLarge = new(413, "body-too-large", "Request body too large");
    public static readonly ProblemKind TooManyPixels = new(413, "too-many-pixels", "Image has too many pixels");
    public static readonly ProblemKind UnsupportedContentType = new(415, "unsupported-content-type", "Unsupported content type");
    public static readonly ProblemKind NotAnImage = new(415, "not-an-image", "Not an image");
    public static readonly ProblemKind UnsupportedFormat = new(415, "unsupported-image-format", "Unsupported image format");
    public static readonly ProblemKind UndecodableImage = new(422, "undecodable-image", "Image could not be decoded");
    public static readonly ProblemKind Overloaded = new(429, "overloaded", "Too many requests");
    public static readonly ProblemKind Internal = new(500, "internal", "Internal server error");
    public static readonly ProblemKind NotReady = new(503, "not-ready", "Model not ready");
    public static readonly ProblemKind ShuttingDown = new(503, "shutting-down", "Server is shutting down");
    public static readonly ProblemKind Timeout = new(504, "timeout", "Request timed out");

    public static IReadOnlyList<ProblemKind> All { get; } =
    [
        EmptyBody, BadParameter, BadMultipart, MissingImage, BadRequest, BadJson, BadSetting, BadDecoding, BadText, BadMask, BadQuestion, Unauthorized, NotFound, MethodNotAllowed, BodyTooLarge,
        TooManyPixels, UnsupportedContentType, NotAnImage, UnsupportedFormat, UndecodableImage, Overloaded, Internal,
        NotReady, ShuttingDown, Timeout,
    ];

    /// <summary>The kind a bare status code (404 from routing, 405, 400 from the server) is reported as.</summary>
    public static ProblemKind ForStatus(int status) => All.FirstOrDefault(k => k.Status == status && k.Slug is
        "not-found" or "method-not-allowed" or "bad-request" or "body-too-large" or "unsupported-content-type" or "internal")
        ?? new ProblemKind(status, "http-" + status, ReasonPhrases.GetReasonPhrase(status));
}

/// <summary>Thrown where a request is found wanting; the endpoint turns it into problem+json.</summary>
public sealed class ProblemException(ProblemKind kind, string detail) : Exception(detail)
{
    public ProblemKind Kind { get; } = kind;
}
