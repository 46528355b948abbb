// Usage: CaptionFromCode [MODEL.spotlight] PHOTO.jpg
// Prints the caption, then for each word where in the image the model looked (the peak of its attention map).
// Without a model it uses the pretrained captioner that comes with Spotlight.
using Spotlight.Captioning;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: CaptionFromCode [MODEL.spotlight] PHOTO");
    return 2;
}
try
{
    using var model = args.Length == 2 ? CaptionModel.Load(args[0]) : CaptionModel.LoadPretrained();
    var result = model.Caption(args[^1], new CaptionOptions(Beam: 3));
    Console.WriteLine(result.Caption);
    var maps = result.Attention;                           // one map per word: GridHeight × GridWidth weights summing to 1
    for (int t = 0; t < result.Tokens.Count; t++)
    {
        float[] weights = maps.Weights[t];
        int peak = Array.IndexOf(weights, weights.Max());
        Console.WriteLine($"{result.Tokens[t]}\trow {peak / maps.GridWidth}, column {peak % maps.GridWidth} of {maps.GridHeight}x{maps.GridWidth}\tweight {weights[peak]:F3}");
    }
    return 0;
}
catch (Exception e) when (e is Spotlight.SpotlightException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");     // bad model or image file: one line, no stack trace
    return 1;
}
