using System.Runtime.CompilerServices;

namespace Spotlight.Tests;

internal static class NativeSetup
{
    /// <summary>Tests call torch directly, sometimes before any Spotlight type: apply the oneDNN guard first.</summary>
    [ModuleInitializer]
    internal static void Initialize() => Spotlight.Runtime.OneDnnGuard.Apply();
}
