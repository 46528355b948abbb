namespace Spotlight.Runtime;

/// <summary>
/// A native library that only some features need (OpenCV's runtime for the classical inpainting baselines, …). It is
/// probed once, on first use; where it is missing, the features that need it fail with one line naming the library,
/// what it enables and the Debian packages that provide it, and everything else keeps working.
/// </summary>
public sealed class OptionalLibrary
{
    // Hiding is per async flow, so a test can see "absent" while tests beside it still use the real library.
    private static readonly AsyncLocal<HashSet<OptionalLibrary>?> hidden = new();

    private readonly Lazy<string?> probe;

    /// <summary><paramref name="probe"/> loads the library and returns null, or the loader's reason it could not.</summary>
    public OptionalLibrary(string name, string enables, IReadOnlyList<string> debianPackages, Func<string?> probe)
    {
        Name = name;
        Enables = enables;
        DebianPackages = debianPackages;
        this.probe = new Lazy<string?>(probe, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name { get; }

    /// <summary>What needs it, as a plural noun phrase ("the Telea and Navier-Stokes inpainting baselines").</summary>
    public string Enables { get; }

    public IReadOnlyList<string> DebianPackages { get; }

    public string InstallCommand => $"apt-get install -y --no-install-recommends {string.Join(' ', DebianPackages)}";

    /// <summary>Null when the library loads; otherwise why it does not (the loader's own words).</summary>
    public string? MissingReason => hidden.Value?.Contains(this) == true ? "hidden for this check" : probe.Value;

    public bool IsAvailable => MissingReason is null;

    /// <summary>One line for a user: what is missing, what it is for, how to get it.</summary>
    public string MissingMessage => $"{Name} is not available ({MissingReason}); {Enables} need it. On Debian/Ubuntu: {InstallCommand}";

    /// <summary>Throws the one-line <see cref="SpotlightException"/> when the library is missing.</summary>
    public void Require()
    {
        if (!IsAvailable) throw new SpotlightException(MissingMessage);
    }

    /// <summary>Makes the library look absent to the calling flow until disposed: how tests check the missing-library paths.</summary>
    public IDisposable Hide()
    {
        var before = hidden.Value;
        hidden.Value = [.. before ?? [], this];
        return new Restore(() => hidden.Value = before);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>
    /// The line of a loader failure that names what is missing. DllNotFoundException lists every path it tried for
    /// <paramref name="wrapper"/> itself; the useful line is the dependency it could not open
    /// ("libgtk-3.so.0: cannot open shared object file").
    /// </summary>
    public static string LoaderReason(Exception e, string wrapper)
    {
        while (e.InnerException is not null) e = e.InnerException;
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("cannot open", StringComparison.Ordinal) && !l.Contains(wrapper, StringComparison.Ordinal))
            ?? lines.FirstOrDefault() ?? e.GetType().Name;
    }
}
