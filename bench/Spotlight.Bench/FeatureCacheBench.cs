using Spotlight.Captioning;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Bench;

/// <summary>
/// Real-photo captioning costs on 2 threads: pretrained encoder throughput (MobileNet v1 0.75 and ResNet-50 at 224 px,
/// batches of 32, random weights: the cost does not depend on the values) and a training step from cached features
/// against the same step that runs the frozen encoder on the images (the baseline, measured in the same run).
/// Shapes of the Flickr8k run in docs/results.md: batch 64, 49 regions x 768, embedding 256, decoder 512, attention 256,
/// vocabulary 2,500, captions of 12 tokens.
/// </summary>
public static class FeatureCacheBench
{
    public static void Run()
    {
        torch.set_num_threads(2);
        torch.manual_seed(0);
        Console.WriteLine($"threads {torch.get_num_threads()}, libtorch {torch.__version__}, oneDNN: {Spotlight.Runtime.OneDnnGuard.Status}, load average {CaptioningBench.LoadAverage()}");
        using var noGradImages = torch.randn(32, 3, 224, 224);
        foreach (var config in new[] { new PretrainedEncoderConfig("mobilenet-v1", 0.75), new PretrainedEncoderConfig("resnet50") })
        {
            using var encoder = config.Create();
            encoder.eval();
            double ms = CaptioningBench.Median(() =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                encoder.forward(noGradImages);
            }, 3);
            Console.WriteLine($"{EncoderWeights.Name(config.Arch, config.Alpha),-18} forward, 32 images 224x224: {ms,7:F0} ms = {32000 / ms,6:F1} images/s");
        }

        var mobile = new PretrainedEncoderConfig("mobilenet-v1", 0.75);
        var captioner = new CaptionerConfig(2500, EmbedDim: 256, DecoderDim: 512, AttentionDim: 256, Dropout: 0.5f, Pretrained: mobile);
        using var network = new Captioner(captioner);
        network.train();
        using var optimizer = optim.Adam(network.parameters().Where(p => p.requires_grad), 1e-3);
        using var images = torch.randn(64, 3, 224, 224);
        using var regions = torch.randn(64, 49, 768).to_type(ScalarType.Float16);
        using var tokens = torch.randint(4, 2500, [64, 14]);
        double Step(Func<Tensor> encode) => CaptioningBench.Median(() =>
        {
            using var scope = NewDisposeScope();
            var (logits, alphas) = network.ForwardRegions(encode(), tokens);
            var loss = CaptionLoss.Compute(logits, alphas, tokens, 1f);
            optimizer.zero_grad();
            loss.Total.backward();
            optimizer.step();
        }, 3);
        double cached = Step(() => regions.to_type(ScalarType.Float32));
        double running = Step(() => network.EncodeImages(images));
        Console.WriteLine($"train step, batch 64, from the feature cache: {cached,7:F0} ms = {64000 / cached,6:F1} images/s");
        Console.WriteLine($"train step, batch 64, running the frozen CNN:  {running,7:F0} ms = {64000 / running,6:F1} images/s   cache speed-up {running / cached:F1}x");
    }
}
