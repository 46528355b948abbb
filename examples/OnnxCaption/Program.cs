// Usage: OnnxCaption FOLDER PHOTO
// Captions a photo with a captioner written by `spotlight export onnx --out FOLDER`, using only ONNX Runtime and the
// folder's captioner.json: preprocess as it says, run encoder.onnx and prepare.onnx once, then step.onnx once per word,
// always taking the likeliest word (greedy search). Prints the caption, then where each word looked.
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OnnxCaption FOLDER PHOTO");
    return 2;
}
try
{
    var (folder, photo) = (args[0], args[1]);
    using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "captioner.json")));
    var m = manifest.RootElement;
    var files = m.GetProperty("files");
    var prep = m.GetProperty("preprocessing");
    int size = prep.GetProperty("size").GetInt32(), grid = m.GetProperty("grid_height").GetInt32() * m.GetProperty("grid_width").GetInt32();
    var vocabulary = m.GetProperty("vocabulary").EnumerateArray().Select(t => t.GetString()!).ToArray();
    int start = m.GetProperty("tokens").GetProperty("start").GetInt32(), end = m.GetProperty("tokens").GetProperty("end").GetInt32();
    var never = m.GetProperty("never_generate").EnumerateArray().Select(t => t.GetInt32()).ToArray();
    var state = m.GetProperty("state").EnumerateArray().Select(s => s.GetString()!).ToArray();     // carried: ["h", "c"] for an LSTM, caches for a Transformer
    var memoryNames = m.GetProperty("memory").EnumerateArray().Select(s => s.GetString()!).ToArray();  // made once per image
    int maxLength = m.GetProperty("max_length").GetInt32();

    using var encoder = new InferenceSession(Path.Combine(folder, files.GetProperty("encoder").GetString()!));
    using var prepare = new InferenceSession(Path.Combine(folder, files.GetProperty("prepare").GetString()!));
    using var step = new InferenceSession(Path.Combine(folder, files.GetProperty("step").GetString()!));

    // images (1, 3, S, S): RGB, (x / 255 − mean) / std per channel.
    var pixels = Preprocess(photo, size, prep.GetProperty("resize").GetString()!,
        [.. prep.GetProperty("mean").EnumerateArray().Select(v => v.GetSingle())], [.. prep.GetProperty("std").EnumerateArray().Select(v => v.GetSingle())]);
    using var regions = encoder.Run([NamedOnnxValue.CreateFromTensor("images", pixels)]);
    using var prepared = prepare.Run([NamedOnnxValue.CreateFromTensor("regions", regions.First().AsTensor<float>())]);
    var memory = memoryNames.Select(name => NamedOnnxValue.CreateFromTensor(name, prepared.First(o => o.Name == name).AsTensor<float>())).ToList();
    var carried = state.ToDictionary(s => s, s => prepared.First(o => o.Name == s).AsTensor<float>().Clone());

    long token = start;
    var words = new List<(string Word, float[] Alpha)>();
    for (int t = 0; t < maxLength; t++)
    {
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(new[] { token }, [1])) };
        inputs.AddRange(memory);
        inputs.AddRange(carried.Select(s => NamedOnnxValue.CreateFromTensor(s.Key, s.Value)));
        using var outputs = step.Run(inputs);
        var logProbs = outputs.First(o => o.Name == "log_probs").AsTensor<float>().ToArray();
        foreach (var blocked in never) logProbs[blocked] = float.NegativeInfinity;
        token = Array.IndexOf(logProbs, logProbs.Max());
        if (token == end) break;
        words.Add((vocabulary[token], outputs.First(o => o.Name == "alpha").AsTensor<float>().ToArray()));
        foreach (var s in state) carried[s] = outputs.First(o => o.Name == s + "_next").AsTensor<float>().Clone();
    }

    Console.WriteLine(string.Join(' ', words.Select(w => w.Word)));
    int width = m.GetProperty("grid_width").GetInt32();
    foreach (var (word, alpha) in words)
    {
        int peak = Array.IndexOf(alpha, alpha.Max());
        Console.WriteLine($"{word}\trow {peak / width}, column {peak % width}\tweight {alpha[peak]:F3}");
    }
    return 0;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or OnnxRuntimeException or InvalidDataException)
{
    Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");   // one line, no stack trace
    return 1;
}

// Decodes the photo, makes it S×S as the manifest says ("stretch", or "shorter-side-then-center-crop"), and normalises it.
static DenseTensor<float> Preprocess(string path, int size, string resize, float[] mean, float[] std)
{
    using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: not an image SkiaSharp can decode");
    using var rgba = decoded.Copy(SKColorType.Rgba8888);
    SKBitmap square = rgba;
    if (rgba.Width != size || rgba.Height != size)
    {
        var (w, h) = resize == "stretch" ? (size, size)
            : rgba.Width <= rgba.Height ? (size, (int)Math.Round((double)rgba.Height * size / rgba.Width)) : ((int)Math.Round((double)rgba.Width * size / rgba.Height), size);
        using var resized = rgba.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888), new SKSamplingOptions(SKCubicResampler.CatmullRom));
        square = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        resized.ExtractSubset(square, SKRectI.Create((w - size) / 2, (h - size) / 2, size, size));
    }
    var image = new DenseTensor<float>([1, 3, size, size]);
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            var p = square.GetPixel(x, y);
            image[0, 0, y, x] = (p.Red / 255f - mean[0]) / std[0];
            image[0, 1, y, x] = (p.Green / 255f - mean[1]) / std[1];
            image[0, 2, y, x] = (p.Blue / 255f - mean[2]) / std[2];
        }
    return image;
}
