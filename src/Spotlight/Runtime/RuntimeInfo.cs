using System.Reflection;
using TorchSharp;

namespace Spotlight.Runtime;

/// <summary>Versions and capabilities of the running stack, as <c>spotlight info</c> prints them.</summary>
public sealed record RuntimeInfo(
    string SpotlightVersion, string TorchSharpVersion, string LibTorchVersion,
    int Threads, bool CudaAvailable, int CudaDevices, string OperatingSystem, string Framework)
{
    public static RuntimeInfo Collect()
    {
        return new RuntimeInfo(
            SpotlightVersion: VersionOf(typeof(RuntimeInfo).Assembly),
            TorchSharpVersion: VersionOf(typeof(torch).Assembly),
            LibTorchVersion: torch.__version__,
            Threads: torch.get_num_threads(),
            CudaAvailable: torch.cuda.is_available(),
            CudaDevices: torch.cuda.is_available() ? torch.cuda.device_count() : 0,
            OperatingSystem: System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Framework: System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The commit the assembly was built from (the SDK appends it to the informational version), or null.</summary>
    public static string? SourceRevision(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plus = informational?.IndexOf('+') ?? -1;
        return plus < 0 ? null : informational![(plus + 1)..];
    }

    public static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is null) return assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = informational.IndexOf('+');   // drop the source-revision suffix the SDK appends
        return plus < 0 ? informational : informational[..plus];
    }
}
