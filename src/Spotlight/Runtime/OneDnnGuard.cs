using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spotlight.Runtime;

/// <summary>
/// Keeps libtorch's oneDNN convolutions correct on AMD Zen 5 (CPU family 0x1A). There, libtorch 2.10's oneDNN JIT
/// kernels return wrong numbers or NaN for many ordinary shapes (measured with float32 against float64, which does
/// not use oneDNN: conv2d 4→8 channels, 3×3, stride 1 on 8×8 maps is 30–50 % off; 12→4 on 16×16 gives NaN;
/// single-channel conv_transpose2d sums wrongly in 107 of 200 small shapes). Every ISA cap but SSE4.1 still fails,
/// so on that CPU family Spotlight sets <c>DNNL_MAX_CPU_ISA=SSE41</c> before oneDNN first reads it. A value the user
/// set is never changed. docs/torchsharp-on-debian.md has the measurements and how to check another CPU.
/// </summary>
public static class OneDnnGuard
{
    public const string Variable = "DNNL_MAX_CPU_ISA";
    public const string SafeIsa = "SSE41";

    /// <summary>What was decided at start-up, for <c>spotlight info</c>.</summary>
    public static string Status { get; private set; } = "not checked";

    private static bool applied;

    /// <summary>Runs when Spotlight.dll loads, before any code of it can reach libtorch.</summary>
#pragma warning disable CA2255 // deliberate: the environment must be set before any caller's first tensor operation
    [ModuleInitializer]
    internal static void OnLoad() => Apply();
#pragma warning restore CA2255

    /// <summary>Idempotent; call it first thing in a process that uses TorchSharp without going through Spotlight.</summary>
    public static void Apply()
    {
        if (applied) return;
        applied = true;
        if (!OperatingSystem.IsLinux()) { Status = "not needed (not Linux)"; return; }
        var current = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(current)) { Status = $"{Variable}={current} (as set)"; return; }
        if (!IsAffectedCpu()) { Status = "not needed on this CPU"; return; }
        // .NET's Environment.SetEnvironmentVariable does not reach the C library's environment on Unix; oneDNN
        // calls getenv, so the variable is set through libc.
        if (setenv(Variable, SafeIsa, 0) != 0) { Status = $"could not set {Variable} (errno {Marshal.GetLastPInvokeError()})"; return; }
        Environment.SetEnvironmentVariable(Variable, SafeIsa);
        Status = $"{Variable}={SafeIsa} (set by Spotlight: oneDNN's faster kernels are wrong on AMD Zen 5)";
    }

    internal static bool IsAffectedCpu()
    {
        try
        {
            string? vendor = null, family = null;
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("vendor_id", StringComparison.Ordinal)) vendor = line[(line.IndexOf(':') + 1)..].Trim();
                else if (line.StartsWith("cpu family", StringComparison.Ordinal)) family = line[(line.IndexOf(':') + 1)..].Trim();
                if (vendor is not null && family is not null) break;
            }
            return vendor == "AuthenticAMD" && family == "26";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);
}
