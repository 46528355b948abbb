using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Spotlight.Server;

/// <summary>A request body read into memory under a size limit, the one way every endpoint reads its body.</summary>
public static class RequestBody
{
    public static async Task<byte[]> ReadCappedAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        // This reader enforces the limit itself. Kestrel's own check would also fire when, after a 413, Kestrel
        // drains the unread rest of the body to keep the connection: it would then abort the connection, and the
        // client could lose the 413 already sent. Without it Kestrel drains (for at most 5 s) and the answer arrives.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = null;
        if (request.ContentLength is long declared && declared > maxBytes)
            throw TooLarge($"the body is {declared} bytes; the limit is {maxBytes}");
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

    private static ProblemException TooLarge(string detail) => new(Problems.BodyTooLarge, detail);
}
