using Spotlight.Vision;

namespace Spotlight.Reports;

/// <summary>Images inside a page (<c>src="data:image/png;base64,…"</c>), so the page is one file.</summary>
public static class DataUri
{
    public static string Png(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    public static string Png(RgbImage image) => Png(PngFile.Encode(image));
}
