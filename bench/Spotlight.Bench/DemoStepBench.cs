using System.Diagnostics;
using Spotlight.Captioning;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Bench;

/// <summary>Where a demo training step spends its time: encoder vs decoder, forward vs backward.</summary>
public static class DemoStepBench
{
    public static void Run()
    {
        torch.manual_seed(1);
        var config = new CaptionerConfig(VocabSize: 60);
        using var model = new Captioner(config);
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        int batch = 64, steps = 14;
        var images = torch.randn(batch, 3, 64, 64);
        var tokens = torch.randint(4, 60, [batch, steps]);
        for (int round = 0; round < 6; round++)
        {
            using var scope = torch.NewDisposeScope();
            var t0 = Stopwatch.GetTimestamp();
            var regions = model.Encoder.Encode(images);
            var t1 = Stopwatch.GetTimestamp();
            var (logits, alphas) = model.Decoder.forward(regions, tokens[.., ..^1]);
            var t2 = Stopwatch.GetTimestamp();
            var loss = CaptionLoss.Compute(logits, alphas, tokens, 1f);
            optimizer.zero_grad();
            loss.Total.backward();
            var t3 = Stopwatch.GetTimestamp();
            optimizer.step();
            var t4 = Stopwatch.GetTimestamp();
            double Ms(long a, long b) => (b - a) * 1000.0 / Stopwatch.Frequency;
            Console.WriteLine($"encoder fwd {Ms(t0, t1):F1} ms, decoder fwd {Ms(t1, t2):F1} ms, backward {Ms(t2, t3):F1} ms, adam {Ms(t3, t4):F1} ms, total {Ms(t0, t4):F1} ms");
        }
    }
}
