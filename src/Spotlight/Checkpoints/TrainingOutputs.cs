namespace Spotlight.Checkpoints;

/// <summary>
/// Where a training run writes: the best model at the path the user gave, everything else beside it with the same
/// stem (<c>m.spotlight</c> → <c>m.last.spotlight</c>, <c>m.checkpoint</c>, <c>m.log.jsonl</c>, <c>m.curves.png</c>,
/// <c>m.avg.spotlight</c>, <c>m.epoch003.spotlight</c>). Shared by every trainer so all runs look the same on disk.
/// </summary>
public sealed record TrainingOutputs(string Best, string Last, string Average, string Checkpoint, string Log, string Curves)
{
    public static TrainingOutputs For(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var stem = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full));
        return new TrainingOutputs(full, stem + ".last.spotlight", stem + ".avg.spotlight", stem + ".checkpoint",
            stem + ".log.jsonl", stem + ".curves.png");
    }

    /// <summary>The model file kept for one epoch (for checkpoint averaging).</summary>
    public string Epoch(int epoch) => Path.ChangeExtension(Last, null).Replace(".last", "") + $".epoch{epoch:D3}.spotlight";
}
