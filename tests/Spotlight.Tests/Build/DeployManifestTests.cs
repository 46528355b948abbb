using System.Diagnostics;

namespace Spotlight.Tests.Build;

/// <summary>
/// deploy/validate.sh (Kubernetes schemas, the Dockerfile's instructions, shell) where its tools are installed
/// (deploy/validate.sh --install); elsewhere skipped, saying how to install them.
/// </summary>
public class DeployManifestTests
{
    [SkippableFact]
    public void The_manifests_and_the_dockerfile_pass_the_offline_validators()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "deploy/validate.sh is a bash script");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Path };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "deploy", "validate.sh"));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "validate.sh did not finish in 3 minutes");
        Skip.If(process.ExitCode == 2, $"the validators are not installed (deploy/validate.sh --install): {error.Result.Trim()}");
        Assert.True(process.ExitCode == 0, output.Result + error.Result);
        Assert.Contains("all checks passed", output.Result + error.Result);
    }
}
