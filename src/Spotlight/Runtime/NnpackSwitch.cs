using System.Runtime.InteropServices;

namespace Spotlight.Runtime;

/// <summary>
/// Turns off libtorch's NNPACK convolution path (what <c>torch.backends.nnpack.set_flags(False)</c> does in Python).
/// On CPUs NNPACK's cpuinfo does not know (AMD Zen 5 here) every eligible convolution first tries NNPACK and logs
/// "Could not initialize NNPACK! Reason: Unsupported hardware." — thousands of lines in one evaluation — before
/// falling back to the path it would have taken anyway. Where NNPACK works it is only used for batches of 16 or
/// more, and oneDNN serves those shapes too, so turning it off everywhere changes which kernel runs, not results.
/// TorchSharp exposes no switch for it, so the call goes to libtorch's <c>at::Context</c> directly. Every library
/// model with convolutions (the image encoders, the inpainting network) calls <see cref="Disable"/> when built, so
/// an application using the library gets it as the CLI and the server do.
/// </summary>
public static class NnpackSwitch
{
    private static int done;

    /// <summary>What happened, for <c>spotlight info</c>.</summary>
    public static string Status { get; private set; } = "not applied";

    /// <summary>Idempotent and never throws: a libtorch without these symbols keeps its default.</summary>
    public static void Disable()
    {
        if (Interlocked.Exchange(ref done, 1) == 1) return;
        try
        {
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);   // loads libtorch the way TorchSharp does
            SetUserEnabledNnpack(GlobalContext(), false);
            Status = UserEnabledNnpack(GlobalContext()) ? "could not be turned off" : "off";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Status = $"left as libtorch set it ({e.GetType().Name})";
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);

    /// <summary>libtorch's own flag, read back.</summary>
    public static bool IsEnabled() => UserEnabledNnpack(GlobalContext());
}
