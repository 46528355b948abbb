using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Spotlight.Server;

/// <summary>RFC 9457 answers: <c>application/problem+json</c> with type, title, status, detail and instance.</summary>
public static class ProblemResults
{
    public const string ContentType = "application/problem+json";

    public static IResult For(HttpContext context, ProblemKind kind, string detail) =>
        Results.Problem(Details(context, kind, detail));

    public static ProblemDetails Details(HttpContext context, ProblemKind kind, string detail) => new()
    {
        Type = kind.Type,
        Title = kind.Title,
        Status = kind.Status,
        Detail = detail,
        Instance = context.Request.Path.Value is { Length: <= 200 } path ? path : null,
    };
}
