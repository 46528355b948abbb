namespace Spotlight.Tests.Metrics;

/// <summary>A temporary folder for one test's files, deleted afterwards.</summary>
internal sealed class TempFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("spotlight-metrics-").FullName;

    public string Write(string name, string content)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
