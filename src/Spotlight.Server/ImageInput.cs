using Spotlight.Vision;

namespace Spotlight.Server;

/// <summary>An uploaded image, checked and preprocessed: the model's (3, S, S) input as CHW floats.</summary>
public sealed record PreparedImage(float[] Chw, ImageHeader Header, long Bytes);

/// <summary>
/// Header check, then decode and preprocessing through the library's one inference path (the same steps as
/// <see cref="ImageTensor.Load"/>: decode with the model's size as the smallest useful scale, resize and crop,
/// normalise). The header is read first and its pixel count compared with the limit, so a few hundred bytes claiming
/// 50000×50000 are refused before anything is allocated for pixels.
/// </summary>
public static class ImageInput
{
    // The header probe reports sizes only; the server applies its own pixel limit to report it as 413.
    private static readonly ImageLimits HeaderOnly = new(MaxBytes: long.MaxValue, MaxPixels: long.MaxValue);

    public static ImageHeader ReadHeader(UploadedImage upload, long maxPixels)
    {
        ImageHeader header;
        try
        {
            header = ImageHeader.Probe(upload.Data.Span, upload.Name, HeaderOnly);
        }
        catch (SpotlightException e)
        {
            throw HeaderProblem(upload.Data.Span, e.Message);
        }
        if (header.Pixels > maxPixels)
            throw new ProblemException(Problems.TooManyPixels,
                $"{upload.Name}: {header.Width}x{header.Height} = {header.Pixels} pixels; the limit is {maxPixels}");
        return header;
    }

    public static PreparedImage Prepare(UploadedImage upload, ImagePreprocessing preprocessing, long maxPixels)
    {
        var header = ReadHeader(upload, maxPixels);
        try
        {
            var limits = new ImageLimits(MaxBytes: long.MaxValue, MaxPixels: maxPixels);
            var rgb = ImagePipeline.LoadAndCrop(upload.Data.Span, upload.Name, preprocessing, limits);
            return new PreparedImage(ImagePipeline.Normalize(rgb, preprocessing), header, upload.Data.Length);
        }
        catch (SpotlightException e)
        {
            throw new ProblemException(Problems.UndecodableImage, e.Message);
        }
    }

    /// <summary>
    /// A header that cannot be read: a supported signature means a damaged file (422); anything else was never one
    /// of our images (415), named by the library when it recognised the format.
    /// </summary>
    private static ProblemException HeaderProblem(ReadOnlySpan<byte> data, string message)
    {
        if (HasSupportedSignature(data)) return new ProblemException(Problems.UndecodableImage, message);
        bool named = message.Contains("unsupported image format", StringComparison.Ordinal);
        return new ProblemException(named ? Problems.UnsupportedFormat : Problems.NotAnImage, message);
    }

    /// <summary>JPEG, PNG, WebP, BMP and GIF magic numbers (the formats the library decodes).</summary>
    public static bool HasSupportedSignature(ReadOnlySpan<byte> data) =>
        data.StartsWith<byte>([0xFF, 0xD8, 0xFF])
        || data.StartsWith<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        || (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        || data.StartsWith("BM"u8)
        || data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8);
}
