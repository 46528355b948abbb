using OpenCvSharp;
using Spotlight.Runtime;
using Spotlight.Vision;

namespace Spotlight.Inpainting;

public enum ClassicalMethod
{
    /// <summary>Telea 2004, "An Image Inpainting Technique Based on the Fast Marching Method" (cv::INPAINT_TELEA).</summary>
    Telea,
    /// <summary>Bertalmio, Bertozzi, Sapiro 2001, "Navier–Stokes, Fluid Dynamics, and Image and Video Inpainting" (cv::INPAINT_NS).</summary>
    NavierStokes,
    /// <summary>Every hole pixel gets the mean colour of the known pixels.</summary>
    MeanFill,
}

/// <summary>The non-learned baselines: OpenCV's two diffusion methods through OpenCvSharp, and mean fill.</summary>
public static class ClassicalInpainting
{
    /// <summary>OpenCV's default-like radius: how far (px) around a hole pixel known pixels are considered.</summary>
    public const double Radius = 3;

    /// <summary>
    /// OpenCV's Linux runtime (libOpenCvSharpExtern.so) links GTK 3 and a few companions that a minimal Debian lacks;
    /// only the two diffusion methods need it.
    /// </summary>
    public static readonly OptionalLibrary OpenCv = new("OpenCV", "the Telea and Navier-Stokes inpainting baselines",
        ["libgtk-3-0", "libatomic1", "libdrm2"], ProbeOpenCv);

    public static bool NeedsOpenCv(ClassicalMethod method) => method != ClassicalMethod.MeanFill;

    public static string Name(ClassicalMethod method) => method switch
    {
        ClassicalMethod.Telea => "Telea (OpenCV)",
        ClassicalMethod.NavierStokes => "Navier-Stokes (OpenCV)",
        _ => "known-region mean",
    };

    /// <summary>Fills the hole; known pixels are returned unchanged.</summary>
    public static RgbImage Fill(RgbImage image, HoleMask hole, ClassicalMethod method)
    {
        if (hole.Width != image.Width || hole.Height != image.Height)
            throw new ArgumentException("mask and image differ in size", nameof(hole));
        if (method == ClassicalMethod.MeanFill) return MeanFill(image, hole);
        OpenCv.Require();
        return Diffuse(image, hole, method);
    }

    private static string? ProbeOpenCv()
    {
        try
        {
            using var one = new Mat(1, 1, MatType.CV_8UC1);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            return OptionalLibrary.LoaderReason(e, "OpenCvSharpExtern");
        }
    }

    private static RgbImage MeanFill(RgbImage image, HoleMask hole)
    {
        var pixels = hole.Pixels;
        var sum = new double[3];
        int known = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i]) continue;
            known++;
            for (int c = 0; c < 3; c++) sum[c] += image.Data[3 * i + c];
        }
        var data = (byte[])image.Data.Clone();
        for (int i = 0; i < pixels.Length; i++)
            if (pixels[i])
                for (int c = 0; c < 3; c++) data[3 * i + c] = (byte)Math.Round(sum[c] / Math.Max(1, known));
        return new RgbImage(image.Width, image.Height, data);
    }

    private static RgbImage Diffuse(RgbImage image, HoleMask hole, ClassicalMethod method)
    {
        // OpenCV's channel order does not matter here: both methods treat the three channels alike.
        using var src = Mat.FromPixelData(image.Height, image.Width, MatType.CV_8UC3, image.Data);
        var maskBytes = new byte[hole.Width * hole.Height];
        var pixels = hole.Pixels;
        for (int i = 0; i < maskBytes.Length; i++) maskBytes[i] = pixels[i] ? (byte)255 : (byte)0;
        using var mask = Mat.FromPixelData(hole.Height, hole.Width, MatType.CV_8UC1, maskBytes);
        using var dst = new Mat();
        Cv2.Inpaint(src, mask, dst, Radius, method == ClassicalMethod.Telea ? InpaintTypes.Telea : InpaintTypes.NS);
        var data = new byte[image.Data.Length];
        if (!dst.IsContinuous() || dst.Total() * 3 != data.Length) throw new InvalidOperationException("unexpected OpenCV output layout");
        System.Runtime.InteropServices.Marshal.Copy(dst.Data, data, 0, data.Length);
        return new RgbImage(image.Width, image.Height, data);
    }
}
