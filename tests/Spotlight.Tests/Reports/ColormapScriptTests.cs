using System.Diagnostics;
using System.Text.Json;
using Spotlight.Reports;
using Spotlight.Tests.Checkpoints;
using Spotlight.Vision;

namespace Spotlight.Tests.Reports;

public class ColormapScriptTests
{
    private static List<int[]> Table(string script)
    {
        var start = script.IndexOf('[');
        var end = script.IndexOf("];", StringComparison.Ordinal) + 1;
        return JsonSerializer.Deserialize<List<int[]>>(script[start..end])!;
    }

    [Fact]
    public void The_page_table_holds_the_colours_of_the_csharp_colormap()
    {
        var table = Table(ColormapScript.Viridis());
        Assert.Equal(ColormapScript.Levels, table.Count);
        for (int i = 0; i < table.Count; i++)
        {
            var (r, g, b) = Colormap.Viridis(i / 255f);
            Assert.Equal(new[] { (int)r, g, b }, table[i]);
        }
        Assert.Equal(new[] { 68, 1, 84 }, table[0]);        // #440154, viridis' first colour
        Assert.Equal(new[] { 253, 231, 37 }, table[^1]);    // #fde725, its last
    }

    [SkippableFact]
    public void The_javascript_function_clamps_and_looks_up_as_the_csharp_one_does()
    {
        const string node = "/usr/bin/node";
        Skip.IfNot(File.Exists(node), $"{node} is not installed");
        using var dir = new TempDirectory();
        var script = dir.File("viridis.js");
        float[] ts = [0f, 0.25f, 0.5f, 0.75f, 1f, -1f, 2f];
        File.WriteAllText(script, ColormapScript.Viridis() +
            $"console.log(JSON.stringify([{string.Join(',', ts.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)))},NaN].map(viridis)));");
        using var process = Process.Start(new ProcessStartInfo(node, script) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var colours = JsonSerializer.Deserialize<List<int[]>>(output)!;
        var expected = ts.Append(float.NaN).Select(t =>
        {
            var (r, g, b) = Colormap.Viridis(MathF.Round(Math.Clamp(float.IsNaN(t) ? 0 : t, 0, 1) * 255) / 255f);
            return new[] { (int)r, g, b };
        }).ToList();
        Assert.Equal(expected, colours);
    }
}
