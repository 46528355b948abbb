using System.Diagnostics;
using Spotlight.Inpainting;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Bench;

/// <summary>
/// What attention transfer costs: one training step (forward + backward) of the 64×64 network with and without it,
/// and contextual attention alone at the finest transfer step, with and without fuse and cross-scale keys.
/// Medians of 7 rounds after 2 warm-up rounds.
/// </summary>
public static class InpaintingBench
{
    public static void Run()
    {
        torch.manual_seed(1);
        var data = InpaintingImages.Synthetic(16, 64, seed: 1);
        foreach (var channels in new[] { 16, 32 })
            foreach (var skips in new[] { SkipKind.Identity, SkipKind.AttentionTransfer })
            {
                using var net = new InpaintingNet(new InpaintingConfig(64, channels, 4 * channels) with { Skips = skips });
                var options = new InpaintingTrainingOptions { BatchSize = 16, Masks = [MaskFamily.Centre] };
                double ms = Median(step =>
                {
                    var (target, hole) = InpaintingBatches.Training(data.Images, step, options);
                    var output = net.forward(target * (1 - hole), hole);
                    InpaintingLoss.Compute(output, target, hole, new InpaintingLossWeights()).Total.backward();
                });
                Console.WriteLine($"64×64, {channels} channels, batch 16, {skips}: {ms:F0} ms per step (forward + backward)");
            }

        var match = randn(16, 64, 16, 16, requires_grad: true);
        var values = randn(16, 32, 32, 32, requires_grad: true);
        var centre = zeros(16, 1, 16, 16);
        centre[.., .., 4..12, 4..12] = 1;
        foreach (var options in new[]
        {
            new ContextualAttentionOptions(Fuse: false), new ContextualAttentionOptions(),
            new ContextualAttentionOptions(CrossScales: [0.5]),
        })
        {
            double ms = Median(_ => ContextualAttention.Attend(match, values, centre, options).Output.sum().backward());
            Console.WriteLine($"contextual attention 16×16 → 32×32, batch 16, fuse {options.Fuse}, cross-scale [{string.Join(",", options.KeyScales)}]: {ms:F1} ms (forward + backward)");
        }
    }

    private static double Median(Action<int> body)
    {
        var times = new List<double>();
        for (int round = 0; round < 9; round++)
        {
            using var scope = torch.NewDisposeScope();
            var start = Stopwatch.GetTimestamp();
            body(round);
            if (round >= 2) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
