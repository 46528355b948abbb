using System.Diagnostics;
using Spotlight.Captioning;
using Spotlight.Captioning.Batch;
using Spotlight.Metrics;

namespace Spotlight.Tests.Captioning;

/// <summary>
/// Batch captioning over a manifest: shards that split it exactly, results that survive crashes, and a merge that
/// gives the same COCO results as one unsharded run.
/// </summary>
[Collection(TinyCaptioningCollection.Name)]
public sealed class BatchCaptioningTests(TinyCaptioningData data) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("spotlight-batch-").FullName;

    private string Images => Path.Combine(data.Directory, "images");

    private static readonly CaptionOptions Decoding = new(Beam: 2, BatchSize: 8);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string ModelFile()
    {
        var path = Path.Combine(dir, "model.spotlight");
        if (!File.Exists(path))
        {
            using var model = data.RandomModel(seed: 5);
            model.Save(path);
        }
        return path;
    }

    private string Run(string name, ShardSpec shard, string? manifest = null)
    {
        using var model = CaptionModel.Load(ModelFile());
        var results = Path.Combine(dir, name);
        BatchCaptioning.Run(model, new BatchCaptionOptions(manifest ?? Images, results, shard, Decoding));
        return results;
    }

    private string Merge(string name, params string[] shards)
    {
        var output = Path.Combine(dir, name);
        ResultsMerge.Merge(shards, output);
        return output;
    }

    [Fact]
    public void Shards_split_every_name_into_exactly_one_and_do_not_depend_on_order()
    {
        var names = Enumerable.Range(0, 3000).Select(i => $"photos/{i:D6}.jpg").ToList();
        foreach (int n in new[] { 1, 3, 7 })
        {
            var owners = names.Select(name => Enumerable.Range(0, n).Where(k => new ShardSpec(k, n).Owns(name)).ToList()).ToList();
            Assert.All(owners, o => Assert.Single(o));
            // Roughly even: no shard has under half or over twice its share.
            foreach (var k in Enumerable.Range(0, n))
                Assert.InRange(owners.Count(o => o[0] == k), names.Count / n / 2, names.Count * 2 / n);
        }
        var shuffled = names.OrderBy(n => n.GetHashCode()).ToList();
        var shard = new ShardSpec(2, 5);
        Assert.Equal(names.Where(shard.Owns).Order(), shuffled.Where(shard.Owns).Order());
        Assert.Equal(new ShardSpec(3, 8), ShardSpec.Parse("3/8"));
        foreach (var bad in new[] { "3/3", "-1/2", "1", "a/b", "0/0", "1/2/3" })
            Assert.Contains("--shard", Assert.Throws<SpotlightException>(() => ShardSpec.Parse(bad)).Message);
    }

    [Fact]
    public async Task Three_shards_run_in_parallel_merge_to_exactly_the_unsharded_result()
    {
        var whole = Merge("whole.json", Run("whole.jsonl", ShardSpec.Whole));
        ModelFile();
        var shards = Enumerable.Range(0, 3)
            .Select(k => Task.Run(() => Run($"shard-{k}.jsonl", new ShardSpec(k, 3))))
            .ToArray();
        var files = await Task.WhenAll(shards);
        var counts = files.Select(f => File.ReadAllLines(f).Length).ToList();
        Assert.Equal(80, counts.Sum());
        Assert.All(counts, c => Assert.True(c > 0, "every shard gets some of 80 images"));
        var merged = Merge("merged.json", files);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(merged));

        // What score reads: one caption per image, keyed by file name, each with the content hash in the shard lines.
        var candidates = CaptionFiles.LoadResults(merged);
        Assert.Equal(80, candidates.Captions.Count);
        var line = CaptionResultsFile.ReadAll(files[0])[0];
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(Images, line.Path)))), line.Sha256);
    }

    [Fact]
    public void A_torn_last_line_is_cut_off_and_the_run_resumes_without_writing_any_image_twice()
    {
        var complete = Run("complete.jsonl", ShardSpec.Whole);
        var lines = File.ReadAllLines(complete);
        // As if killed while writing line 31: 30 whole lines and half of the next.
        var crashed = Path.Combine(dir, "crashed.jsonl");
        File.WriteAllText(crashed, string.Join('\n', lines.Take(30)) + "\n" + lines[30][..(lines[30].Length / 2)]);
        // A merge of it now leaves the torn line out and says so.
        var early = ResultsMerge.Merge([crashed], Path.Combine(dir, "early.json"));
        Assert.Equal((30, crashed), (early.Captions, Assert.Single(early.Torn!)));

        using var model = CaptionModel.Load(ModelFile());
        var summary = BatchCaptioning.Run(model, new BatchCaptionOptions(Images, crashed, ShardSpec.Whole, Decoding));
        Assert.Equal(30, summary.Skipped);
        Assert.Equal(50, summary.Done);
        Assert.True(summary.TornBytes > 0);
        var resumed = File.ReadAllLines(crashed);
        Assert.Equal(80, resumed.Length);
        Assert.Equal(80, CaptionResultsFile.ReadAll(crashed).Count);
        Assert.Equal(File.ReadAllBytes(Merge("a.json", complete)), File.ReadAllBytes(Merge("b.json", crashed)));

        // Run again: everything is done, nothing is appended.
        var again = BatchCaptioning.Run(model, new BatchCaptionOptions(Images, crashed, ShardSpec.Whole, Decoding));
        Assert.Equal((80, 0), (again.Skipped, again.Done));
        Assert.Equal(resumed, File.ReadAllLines(crashed));
    }

    [Fact]
    public void A_shard_killed_mid_run_and_restarted_gives_the_same_merged_result()
    {
        // Enough images (copies of the 80 under other names) that the job is still writing when it is killed.
        var many = Directory.CreateDirectory(Path.Combine(dir, "many")).FullName;
        foreach (var (file, i) in Directory.GetFiles(Images).Order(StringComparer.Ordinal).SelectMany(f => Enumerable.Repeat(f, 5)).Select((f, i) => (f, i)))
            File.Copy(file, Path.Combine(many, $"{i:D4}.png"));
        var model = ModelFile();
        var reference = Merge("reference.json", Run("reference.jsonl", ShardSpec.Whole, many));
        var results = Path.Combine(dir, "killed.jsonl");
        string cli = Path.Combine(AppContext.BaseDirectory, "Spotlight.Cli");
        string[] args = ["caption", model, "--manifest", many, "--results", results, "--batch-size", "1", "--beam", "2", "--threads", "1"];
        int total = 400;

        using (var first = Process.Start(Start(cli, args))!)
        {
            // Kill as soon as some lines are on disk, without warning (SIGKILL).
            var clock = Stopwatch.StartNew();
            while (!first.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60) && (!File.Exists(results) || new FileInfo(results).Length == 0))
                Thread.Sleep(5);
            // (The message is built eagerly: reading stderr here would wait for the process to end.)
            Assert.False(first.HasExited, "the job finished before it could be killed");
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
        int before = CaptionResultsFile.ReadAll(results).Count;
        Assert.InRange(before, 1, total - 1);

        using var second = Process.Start(Start(cli, args))!;
        var err = second.StandardError.ReadToEnd();
        second.WaitForExit();
        Assert.True(second.ExitCode == 0, err);
        Assert.Contains($"{before} skipped", err);
        Assert.Equal(total, File.ReadAllLines(results).Length);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(Merge("killed.json", results)));
    }

    private static ProcessStartInfo Start(string cli, string[] args)
    {
        var info = new ProcessStartInfo(cli) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    [Fact]
    public void Merge_refuses_overlapping_shards_and_reports_failed_and_missing_images()
    {
        var manifest = Path.Combine(dir, "manifest.txt");
        var corrupt = Path.Combine(dir, "corrupt.png");
        File.WriteAllBytes(corrupt, [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        var listed = Directory.GetFiles(Images).Order(StringComparer.Ordinal).Take(6).ToList();
        File.WriteAllLines(manifest, ["# six photos, one broken file and one that is not there", .. listed, corrupt, Path.Combine(dir, "gone.jpg")]);

        var results = Run("m.jsonl", ShardSpec.Whole, manifest);
        var lines = CaptionResultsFile.ReadAll(results);
        Assert.Equal(8, lines.Count);
        Assert.Equal(6, lines.Count(l => !l.Failed));
        Assert.Equal("no such file", lines.Single(l => l.Path.EndsWith("gone.jpg")).Error);
        Assert.NotNull(lines.Single(l => l.Path == corrupt).Error);

        // Failures are recorded, so a restart does not retry them either.
        using (var model = CaptionModel.Load(ModelFile()))
            Assert.Equal(8, BatchCaptioning.Run(model, new BatchCaptionOptions(manifest, results, ShardSpec.Whole, Decoding)).Skipped);

        var summary = ResultsMerge.Merge([results], Path.Combine(dir, "m.json"), ImageIdKind.Name, manifest);
        Assert.Equal((6, 2, 0), (summary.Captions, summary.Failed.Count, summary.Missing.Count));
        Assert.Equal(6, CaptionFiles.LoadResults(Path.Combine(dir, "m.json")).Captions.Count);

        // A shard file given twice, or two shards that overlap, is refused naming both files.
        var copy = Path.Combine(dir, "copy.jsonl");
        File.Copy(results, copy);
        var e = Assert.Throws<SpotlightException>(() => ResultsMerge.Merge([results, copy], Path.Combine(dir, "x.json")));
        Assert.Contains(copy, e.Message);
        Assert.Contains(results, e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "x.json")));

        // With the manifest, images no shard recorded are missing.
        var half = Path.Combine(dir, "half.jsonl");
        File.WriteAllLines(half, File.ReadAllLines(results).Take(3));
        Assert.Contains("5 listed image(s) are in no shard", Assert.Throws<SpotlightException>(() =>
            ResultsMerge.Merge([half], Path.Combine(dir, "half.json"), ImageIdKind.Name, manifest)).Message);
        Assert.False(File.Exists(Path.Combine(dir, "half.json")));
        var partial = ResultsMerge.Merge([half], Path.Combine(dir, "half.json"), ImageIdKind.Name, manifest, allowMissing: true);
        Assert.Equal(5, partial.Missing.Count);

        // Shards of two different splits of the job (a 2-way and a 3-way run) are not one job's shards.
        var twoWay = Run("two-way.jsonl", new ShardSpec(0, 2));
        var threeWay = Run("three-way.jsonl", new ShardSpec(1, 3));
        var names = CaptionResultsFile.ReadAll(twoWay).Select(l => l.Path).ToHashSet();
        var disjoint = Path.Combine(dir, "three-way-disjoint.jsonl");
        File.WriteAllLines(disjoint, File.ReadAllLines(threeWay).Where(l => !names.Contains(System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()!)));
        Assert.Contains("merge the shards of one job", Assert.Throws<SpotlightException>(() =>
            ResultsMerge.Merge([twoWay, disjoint], Path.Combine(dir, "mixed.json"))).Message);
    }

    [Fact]
    public void An_image_removed_from_the_folder_after_it_was_captioned_does_not_stop_the_job()
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        foreach (var file in Directory.GetFiles(Images).Order(StringComparer.Ordinal).Take(10)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var results = Run("photos.jsonl", ShardSpec.Whole, folder);
        File.Delete(Directory.GetFiles(folder).Order(StringComparer.Ordinal).First());
        File.Copy(Directory.GetFiles(Images).Order(StringComparer.Ordinal).Last(), Path.Combine(folder, "new.png"));
        using var model = CaptionModel.Load(ModelFile());
        var summary = BatchCaptioning.Run(model, new BatchCaptionOptions(folder, results, ShardSpec.Whole, Decoding));
        Assert.Equal((10, 1, 9, 1), (summary.Total, summary.Done, summary.Skipped, summary.Unlisted));
        Assert.Equal(11, File.ReadAllLines(results).Length);
    }

    [Fact]
    public void A_folder_of_symbolic_links_is_captioned_as_the_files_they_point_to()
    {
        // FileInfo describes a link itself on Unix (its length is the target path's): read by that size, every photo
        // was cut to its first few dozen bytes and recorded as a corrupt JPEG with one shared checksum.
        var files = Directory.GetFiles(Images).Order(StringComparer.Ordinal).Take(6).ToList();
        var copies = Directory.CreateDirectory(Path.Combine(dir, "copies")).FullName;
        var links = Directory.CreateDirectory(Path.Combine(dir, "links")).FullName;
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(copies, Path.GetFileName(file)));
            File.CreateSymbolicLink(Path.Combine(links, Path.GetFileName(file)), file);
        }
        File.CreateSymbolicLink(Path.Combine(links, "dangling.png"), Path.Combine(dir, "gone.png"));
        static Dictionary<string, BatchCaptionLine> Lines(string results) => File.ReadAllLines(results)
            .Select(l => System.Text.Json.JsonSerializer.Deserialize<BatchCaptionLine>(l, CaptionResultsFile.Json)!).ToDictionary(l => l.Path);
        var fromCopies = Lines(Run("copies.jsonl", ShardSpec.Whole, copies));
        var fromLinks = Lines(Run("links.jsonl", ShardSpec.Whole, links));
        Assert.Equal(6, fromCopies.Count(l => l.Value.Caption is not null));
        foreach (var (name, line) in fromCopies)
            Assert.Equal((line.Sha256, line.Caption), (fromLinks[name].Sha256, fromLinks[name].Caption));
        Assert.Equal("no such file", fromLinks["dangling.png"].Error);
    }

    [Fact]
    public void Wrong_results_files_and_manifests_are_refused_with_one_line_naming_the_file()
    {
        var results = Run("w.jsonl", new ShardSpec(0, 2));
        using var model = CaptionModel.Load(ModelFile());
        // The same file for the other shard, or for another manifest, would mix jobs.
        var otherShard = Assert.Throws<SpotlightException>(() => BatchCaptioning.Run(model, new BatchCaptionOptions(Images, results, new ShardSpec(1, 2), Decoding)));
        Assert.Contains("another --shard", otherShard.Message);
        var other = Path.Combine(dir, "other.png");
        File.Copy(Directory.GetFiles(Images)[0], other);
        var manifest = Path.Combine(dir, "one.txt");
        File.WriteAllLines(manifest, [other]);
        Assert.Contains("another manifest", Assert.Throws<SpotlightException>(() =>
            BatchCaptioning.Run(model, new BatchCaptionOptions(manifest, results, ShardSpec.Whole, Decoding))).Message);

        // A file that is not a results file (here the merged COCO results, one line without a newline) is never cut.
        var merged = Merge("merged-as-results.json", results);
        var before = File.ReadAllBytes(merged);
        Assert.Contains("not a Spotlight results file", Assert.Throws<SpotlightException>(() =>
            BatchCaptioning.Run(model, new BatchCaptionOptions(Images, merged, ShardSpec.Whole, Decoding))).Message);
        Assert.Equal(before, File.ReadAllBytes(merged));

        // A broken line in the middle is not a crash's torn tail: refuse rather than guess.
        var edited = Path.Combine(dir, "edited.jsonl");
        var lines = File.ReadAllLines(results);
        File.WriteAllLines(edited, [lines[0], "{\"path\": 3", .. lines.Skip(1)]);
        var broken = Assert.Throws<SpotlightException>(() => BatchCaptioning.Run(model, new BatchCaptionOptions(Images, edited, new ShardSpec(0, 2), Decoding)));
        Assert.StartsWith($"{edited}:2:", broken.Message);

        var twice = Path.Combine(dir, "twice.txt");
        File.WriteAllLines(twice, ["a.jpg", "b.jpg", "a.jpg"]);
        Assert.Contains("listed twice", Assert.Throws<SpotlightException>(() => CaptionManifest.Read(twice)).Message);
        var empty = Path.Combine(dir, "empty.txt");
        File.WriteAllText(empty, "# nothing\n\n");
        Assert.Contains("lists no images", Assert.Throws<SpotlightException>(() => CaptionManifest.Read(empty)).Message);
        var binary = Path.Combine(dir, "binary.txt");
        File.WriteAllBytes(binary, [0x41, 0xc3, 0x28, 0x0a]);
        Assert.StartsWith(binary, Assert.Throws<SpotlightException>(() => CaptionManifest.Read(binary)).Message);
    }

    [Fact]
    public void The_command_line_runs_a_shard_and_merges_it()
    {
        var model = ModelFile();
        var results = Path.Combine(dir, "cli.jsonl");
        var (code, _, err) = CliHarness.Run("caption", model, "--manifest", Images, "--shard", "0/1", "--results", results, "--beam", "2");
        Assert.True(code == 0, err);
        Assert.Contains("80 images: 80 captioned, 0 skipped (already done), 0 failed", err);
        var output = Path.Combine(dir, "cli.json");
        (code, _, err) = CliHarness.Run("results", "merge", results, "--out", output, "--image-id", "number");
        Assert.True(code == 0, err);
        var merged = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.Equal(Enumerable.Range(1, 80), merged.EnumerateArray().Select(e => e.GetProperty("image_id").GetInt32()));

        (code, _, err) = CliHarness.Run("caption", model, "--manifest", Images);
        Assert.Equal((1, "error: --manifest needs --results OUT.jsonl (where the captions go)"), (code, err.Trim()));
        (code, _, err) = CliHarness.Run("caption", model, "--manifest", Images, "--results", results, "--shard", "2/2");
        Assert.Equal(1, code);
        Assert.Contains("--shard: '2/2'", err);
        (code, _, err) = CliHarness.Run("caption", model, Directory.GetFiles(Images)[0], "--manifest", Images, "--results", results);
        Assert.Equal(1, code);
        Assert.Contains("give at most the model file", err);
        (code, _, err) = CliHarness.Run("caption", model, "--manifest", Images, "--results", results, "--json");
        Assert.Equal((1, "error: --json does not apply to a batch job (--manifest): its captions go to --results as JSON lines"), (code, err.Trim()));
    }
}
