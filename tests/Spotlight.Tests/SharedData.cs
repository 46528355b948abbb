namespace Spotlight.Tests;

/// <summary>
/// The project's shared/ folder (real data and weights that are never committed) sits beside the repository: for a
/// developer and for CI alike, <c>&lt;repo&gt;/../shared</c>. Tests that need it skip when it is absent.
/// </summary>
internal static class SharedData
{
    public static string? Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Spotlight.sln"))) continue;
            var path = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared", relative);
            return File.Exists(path) || Directory.Exists(path) ? path : null;
        }
        return null;
    }
}
