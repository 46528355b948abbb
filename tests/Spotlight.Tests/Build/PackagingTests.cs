using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Spotlight.Captioning;
using Spotlight.Captioning.Data.Synthetic;

namespace Spotlight.Tests.Build;

/// <summary>
/// The packages as a user gets them: build/pack.sh makes a local feed (with a version of its own, so nothing cached
/// from an earlier run is used), the spotlight tool is installed from it, and the example programs outside the
/// repository's build (examples/FromPackages) restore from it, build and run. One test, as it is one pack (minutes).
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackagingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("spotlight-pack-").FullName;
    private readonly string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    private static string Root => RepositoryRoot.Path;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        // The restores put this run's packages in the global cache; they are never used again.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "spotlight", "spotlight.server", "spotlight.metrics.ptb", "spotlight.models.flickr8k", "spotlight.cli", "spotlight.cli.linux-x64" })
        {
            var folder = Path.Combine(cache, id, version);
            try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    [SkippableFact]
    public async Task Packed_packages_install_as_a_tool_and_build_into_programs_outside_the_repository()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.Is64BitProcess, "the tool package is built for linux-x64 only");
        var feed = Path.Combine(dir, "feed");
        var pack = Run("bash", [Path.Combine(Root, "build", "pack.sh"), feed], Root, TimeSpan.FromMinutes(12),
            ("SPOTLIGHT_VERSION", version), ("SPOTLIGHT_PACK_WORK", Path.Combine(dir, "work")));
        Assert.True(pack.Code == 0, pack.Output);

        CheckPackageContents(feed);

        string expected;
        using (var pretrained = CaptionModel.LoadPretrained())
            expected = pretrained.Caption(Path.Combine(Root, "samples", "chelsea.png")).Caption;

        // The tool: installed from the feed into a folder of its own, then run as a user would.
        var tools = Path.Combine(dir, "tools");
        var install = Run(Dotnet, ["tool", "install", "Spotlight.Cli", "--tool-path", tools, "--add-source", feed, "--version", version], dir, TimeSpan.FromMinutes(5));
        Assert.True(install.Code == 0, install.Output);
        var spotlight = Path.Combine(tools, "spotlight");
        var shown = Run(spotlight, ["--version"], dir).Stdout.Trim();
        Assert.True(shown == version || shown.StartsWith(version + "+"), shown);   // "+commit" when built from a git clone
        var info = Run(spotlight, ["info"], dir);
        Assert.True(info.Code == 0, info.Output);
        var caption = Run(spotlight, ["caption", Path.Combine(Root, "samples", "chelsea.png"), "--threads", "1"], dir);
        Assert.True(caption.Code == 0, caption.Output);
        Assert.Contains($"chelsea.png\t{expected}", caption.Output);
        var data = Path.Combine(dir, "data");
        SyntheticDataset.Generate(new SynthConfig(Train: 48, Val: 8, Test: 8, Size: 32, Seed: 3), data);
        var model = Path.Combine(dir, "tiny.spotlight");
        var train = Run(spotlight, ["train", "--data", data, "--out", model, "--epochs", "1", "--batch-size", "16", "--embed-dim", "16",
            "--decoder-dim", "32", "--attention-dim", "16", "--threads", "1", "--seed", "1"], dir, TimeSpan.FromMinutes(5));
        Assert.True(train.Code == 0, train.Output);
        var scene = Directory.GetFiles(Path.Combine(data, "images")).Order(StringComparer.Ordinal).First();
        var tiny = Run(spotlight, ["caption", model, scene, "--threads", "1"], dir);
        Assert.True(tiny.Code == 0, tiny.Output);
        using (var trained = CaptionModel.Load(model))
            Assert.Contains($"{Path.GetFileName(scene)}\t{trained.Caption(scene).Caption}", tiny.Output);

        // Programs of one's own, restored from the feed, outside the repository's build files.
        var examples = Path.Combine(dir, "examples");
        CopyDirectory(Path.Combine(Root, "examples", "FromPackages"), examples);
        string[] restore = ["-c", "Release", $"-p:SpotlightVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}", "-nologo"];

        var console = Path.Combine(examples, "TrainAndCaption");
        var build = Run(Dotnet, ["build", console, .. restore], examples, TimeSpan.FromMinutes(5));
        Assert.True(build.Code == 0, build.Output);
        var output = Path.Combine(console, "bin", "Release", "net10.0", "linux-x64");
        // What only the packages' build files put there: the ResNet-18 files (buildTransitive of Spotlight, from a
        // package whose own props reach direct references only), the captioner, and the patched libtorch binding.
        Assert.True(File.Exists(Path.Combine(output, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx")));
        Assert.True(File.Exists(Path.Combine(output, "models", CaptionModel.PretrainedFileName)));
        var binding = Path.Combine(output, "libLibTorchSharp.so");
        Assert.True(MarkElfVersionNeedWeak.SystemLibStdCxxHas("GLIBCXX_3.4.32") || MarkElfVersionNeedWeak.FlagsOf(binding, "GLIBCXX_3.4.32").SequenceEqual([2]),
            "the consumer's libLibTorchSharp.so still needs GLIBCXX_3.4.32 strongly");
        // The ResNet-18 package is there for its files: neither it nor ML.NET, which it depends on, adds assemblies or natives.
        Assert.DoesNotContain(Directory.GetFiles(output).Select(Path.GetFileName), f => f!.StartsWith("Microsoft.ML") && !f.StartsWith("Microsoft.ML.OnnxRuntime") || f == "libLdaNative.so");
        Assert.DoesNotContain("the ResNet-18 ONNX files are not at", build.Output);
        var run = Run(Path.Combine(output, "TrainAndCaption"), [Path.Combine(Root, "samples", "chelsea.png"), Path.Combine(dir, "run")], dir, TimeSpan.FromMinutes(3));
        Assert.True(run.Code == 0, run.Output);
        Assert.Contains($"pretrained: {expected}", run.Output);
        Assert.Matches("(?m)^trained: \\S+", run.Output);

        var web = Path.Combine(examples, "HostInYourApp");
        build = Run(Dotnet, ["build", web, .. restore], examples, TimeSpan.FromMinutes(5));
        Assert.True(build.Code == 0, build.Output);
        await CheckHostedApp(Path.Combine(web, "bin", "Release", "net10.0", "linux-x64", "HostInYourApp"), web, expected);
    }

    private void CheckPackageContents(string feed)
    {
        var library = Entries(feed, $"Spotlight.{version}.nupkg");
        foreach (var file in new[] { "lib/net10.0/Spotlight.dll", "lib/net10.0/Spotlight.xml", "buildTransitive/Spotlight.targets",
                     "buildTransitive/TorchSharpNativeFix.targets", "buildTransitive/MarkElfVersionNeedWeak.cs", "LICENSE", "README.md", "THIRD-PARTY-NOTICES.md" })
            Assert.Contains(file, library.Keys);
        var nuspec = Nuspec(feed, "Spotlight");
        Assert.Equal("MIT", nuspec.License);
        Assert.Contains(("TorchSharp-cpu", "0.107.0"), nuspec.Dependencies.Select(d => (d.Id, d.Version)));
        var resnet = nuspec.Dependencies.Single(d => d.Id == "Microsoft.ML.DnnImageFeaturizer.ResNet18");
        foreach (var asset in new[] { "Runtime", "Compile", "Native", "Build" }) Assert.Contains(asset, resnet.Exclude);
        // The consumer targets name the ResNet-18 package version the repository builds with.
        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        var resnetVersion = props.Descendants("SpotlightResNet18PackageVersion").Single().Value;
        Assert.Equal(resnetVersion, resnet.Version);
        Assert.Contains($"microsoft.ml.dnnimagefeaturizer.resnet18/{resnetVersion}/", library["buildTransitive/Spotlight.targets"]);

        Assert.Equal("GPL-3.0-or-later", Nuspec(feed, "Spotlight.Metrics.Ptb").License);
        Assert.Contains("COPYING", Entries(feed, $"Spotlight.Metrics.Ptb.{version}.nupkg").Keys);
        var server = Nuspec(feed, "Spotlight.Server");
        Assert.Equal("MIT", server.License);
        Assert.Contains(server.Dependencies, d => d.Id == "Spotlight" && d.Version == version);
        Assert.Contains("buildTransitive/models/" + CaptionModel.PretrainedFileName, Entries(feed, $"Spotlight.Models.Flickr8k.{version}.nupkg").Keys);

        var tool = Entries(feed, $"Spotlight.Cli.linux-x64.{version}.nupkg", text: false);
        Assert.Contains(tool.Keys, k => k.EndsWith("/DotnetToolSettings.xml"));
        Assert.Contains(tool.Keys, k => k.EndsWith("/models/" + CaptionModel.PretrainedFileName));
        Assert.Contains(tool.Keys, k => k.EndsWith("/DnnImageModels/ResNet18Onnx/ResNet18.onnx"));
        Assert.Contains(tool.Keys, k => k.EndsWith("/libtorch_cpu.so"));
        Assert.DoesNotContain(tool.Keys, k => k.Contains("/runtimes/win-") || k.Contains("/runtimes/osx-"));
    }

    private static async Task CheckHostedApp(string program, string contentRoot, string expected)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = Start(program, [], contentRoot, ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"));
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var err = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var clock = Stopwatch.StartNew();
            HttpStatusCode? ready = null;
            while (ready != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(90) && !process.HasExited)
            {
                try { ready = (await client.GetAsync("/readyz")).StatusCode; }
                catch (HttpRequestException) { }
                if (ready != HttpStatusCode.OK) await Task.Delay(200);
            }
            Assert.True(ready == HttpStatusCode.OK, $"the app never became ready ({ready}); exited: {process.HasExited}");
            Assert.Equal("hello from my app", await client.GetStringAsync("/hello"));
            var body = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(Root, "samples", "chelsea.png")));
            body.Headers.ContentType = new("image/png");
            var answer = await client.PostAsync("/v1/captions", body);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var json = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal(expected, json.RootElement.GetProperty("caption").GetString());
            Assert.True(answer.Headers.Contains("X-Request-ID"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.Contains("is warmed up and ready", await log + await err);
    }

    private sealed record Dependency(string Id, string Version, string Exclude);

    private sealed record PackageSpec(string License, IReadOnlyList<Dependency> Dependencies);

    private PackageSpec Nuspec(string feed, string id)
    {
        var text = Entries(feed, $"{id}.{version}.nupkg")[$"{id}.nuspec"];
        var xml = XDocument.Parse(text);
        XNamespace ns = xml.Root!.Name.Namespace;
        var license = xml.Descendants(ns + "license").Single().Value;
        var dependencies = xml.Descendants(ns + "dependency").Select(d => new Dependency(
            (string)d.Attribute("id")!, (string)d.Attribute("version")!, (string?)d.Attribute("exclude") ?? "")).ToList();
        return new PackageSpec(license, dependencies);
    }

    /// <summary>A package's files, with the text of the small ones (for a large package, names only).</summary>
    private static Dictionary<string, string> Entries(string feed, string file, bool text = true)
    {
        var path = Path.Combine(feed, file);
        Assert.True(File.Exists(path), $"{file} was not packed: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            if (!text || e.Length > 1_000_000) return "";
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static ProcessStartInfo Start(string program, IEnumerable<string> args, string workingDirectory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host's MSBuild settings would steer the nested builds to the test run's SDK internals.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    private static (int Code, string Output, string Stdout) Run(string program, IEnumerable<string> args, string workingDirectory, TimeSpan? timeout = null,
        params (string Name, string Value)[] environment)
    {
        using var process = Process.Start(Start(program, args, workingDirectory, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} {string.Join(' ', args)}: timed out\n{stdout.Result}\n{stderr.Result}", stdout.Result);
        }
        process.WaitForExit();
        return (process.ExitCode, $"{program} {string.Join(' ', args)}\n{stdout.Result}\n{stderr.Result}", stdout.Result);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>Runs alone: packing and building take both cores for minutes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection
{
    public const string Name = "packaging";
}

/// <summary>The repository's root: the folder above the tests' build output that holds Spotlight.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Spotlight.sln"))) return d.FullName;
        throw new InvalidOperationException($"no Spotlight.sln above {AppContext.BaseDirectory}");
    }
}
