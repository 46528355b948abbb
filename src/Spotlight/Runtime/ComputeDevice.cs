using TorchSharp;

namespace Spotlight.Runtime;

/// <summary>What the user asked for with <c>--device</c>.</summary>
public enum DeviceRequest { Auto, Cpu, Cuda }

/// <summary>Resolves <c>--device auto|cpu|cuda</c> to a TorchSharp device.</summary>
public static class ComputeDevice
{
    public static DeviceRequest Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceRequest.Auto,
        "cpu" => DeviceRequest.Cpu,
        "cuda" or "gpu" => DeviceRequest.Cuda,
        _ => throw new SpotlightException($"unknown device '{text}': expected auto, cpu or cuda"),
    };

    /// <summary>
    /// CUDA when it is asked for (or auto) and present; otherwise CPU, with a one-line notice when CUDA was asked
    /// for explicitly, so a run never fails just because it landed on a machine without a GPU.
    /// </summary>
    public static torch.Device Resolve(DeviceRequest request, Action<string>? notice = null)
    {
        if (request == DeviceRequest.Cpu) return torch.CPU;
        if (torch.cuda.is_available()) return torch.CUDA;
        if (request == DeviceRequest.Cuda)
            notice?.Invoke("CUDA is not available (this build uses CPU libtorch or no GPU is present); running on CPU.");
        return torch.CPU;
    }
}
