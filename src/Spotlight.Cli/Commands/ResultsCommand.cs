using System.CommandLine;
using Spotlight.Captioning.Batch;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight results merge SHARD.jsonl... --out results.json</c>: batch-job shards into COCO results.</summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("RESULTS.jsonl") { Description = "the shards' results files (from caption --manifest --results)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "the COCO results file to write ([{\"image_id\", \"caption\"}], what spotlight score reads)", Required = true };
        var manifest = new Option<string?>("--manifest") { Description = "the job's manifest or folder: list the images no shard recorded" };
        var imageId = new Option<string>("--image-id") { Description = "image_id from the file name (name), the manifest path (path) or the last number in the file name (number, COCO)", DefaultValueFactory = _ => "name" };
        imageId.AcceptOnlyFromAmong("name", "path", "number");
        var allowMissing = new Option<bool>("--allow-missing") { Description = "with --manifest: merge even when some listed images are in no shard (they are listed)" };
        var merge = new Command("merge", "Merge batch captioning shards into one COCO results file; refuses images recorded twice.") { files, output, manifest, imageId, allowMissing };
        merge.SetAction(parse => CliRunner.Run(() =>
        {
            var kind = parse.GetValue(imageId) switch { "path" => ImageIdKind.Path, "number" => ImageIdKind.Number, _ => ImageIdKind.Name };
            var summary = ResultsMerge.Merge(parse.GetValue(files)!, parse.GetValue(output)!, kind, parse.GetValue(manifest), parse.GetValue(allowMissing));
            Console.Error.WriteLine($"{parse.GetValue(output)}: {summary.Captions} captions; {summary.Failed.Count} failed; {summary.Missing.Count} missing");
            foreach (var file in summary.Torn ?? []) Console.Error.WriteLine($"notice: {file}: ends in an incomplete line (a job still writing, or one that was killed); that image is left out until its shard is run again");
            foreach (var f in summary.Failed) Console.Error.WriteLine($"failed: {f.Path}: {f.Error}");
            foreach (var m in summary.Missing.Take(20)) Console.Error.WriteLine($"missing: {m}");
            if (summary.Missing.Count > 20) Console.Error.WriteLine($"missing: … and {summary.Missing.Count - 20} more");
            return 0;
        }));
        return new Command("results", "Work with batch captioning results.") { merge };
    }
}
