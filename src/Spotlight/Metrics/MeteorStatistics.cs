namespace Spotlight.Metrics;

/// <summary>A METEOR score with the quantities it is made of (Denkowski &amp; Lavie 2014, §2.2).</summary>
public sealed record MeteorScoreParts(double Score, double Precision, double Recall, double FMean,
    double FragmentationPenalty);

/// <summary>
/// METEOR's sufficient statistics for one segment or, summed, for a corpus: lengths, function-word counts,
/// matches per stage split into content and function words, and chunks. Corpus METEOR is computed from the sums
/// (METEOR's EVAL), not by averaging segment scores.
/// </summary>
public sealed class MeteorStatistics
{
    private readonly double[] testContent, referenceContent, testFunction, referenceFunction;   // per stage

    public MeteorStatistics(int stages)
    {
        testContent = new double[stages];
        referenceContent = new double[stages];
        testFunction = new double[stages];
        referenceFunction = new double[stages];
    }

    public double TestLength { get; private set; }
    public double ReferenceLength { get; private set; }
    public double TestFunctionWords { get; private set; }
    public double ReferenceFunctionWords { get; private set; }
    public double Chunks { get; private set; }
    public IReadOnlyList<double> TestContentMatches => testContent;
    public IReadOnlyList<double> ReferenceContentMatches => referenceContent;
    public IReadOnlyList<double> TestFunctionMatches => testFunction;
    public IReadOnlyList<double> ReferenceFunctionMatches => referenceFunction;

    internal static MeteorStatistics From(MeteorAlignment a)
    {
        var s = new MeteorStatistics(a.ContentMatches1.Length)
        {
            TestLength = a.Words1.Count,
            ReferenceLength = a.Words2.Count,
            TestFunctionWords = a.FunctionWords1,
            ReferenceFunctionWords = a.FunctionWords2,
            Chunks = a.Chunks,
        };
        for (int i = 0; i < a.ContentMatches1.Length; i++)
        {
            s.testContent[i] = a.ContentMatches1[i];
            s.referenceContent[i] = a.ContentMatches2[i];
            s.testFunction[i] = a.FunctionMatches1[i];
            s.referenceFunction[i] = a.FunctionMatches2[i];
        }
        return s;
    }

    /// <summary>Matched hypothesis words over all stages (unweighted).</summary>
    public double TestMatches => testContent.Sum() + testFunction.Sum();

    /// <summary>Matched reference words over all stages (unweighted).</summary>
    public double ReferenceMatches => referenceContent.Sum() + referenceFunction.Sum();

    /// <summary>Every word of both sentences matched, in one chunk: the fragmentation penalty does not apply.</summary>
    public bool IsPerfect => TestMatches == TestLength && ReferenceMatches == ReferenceLength && Chunks == 1;

    /// <summary>
    /// Adds another segment's statistics (METEOR's addStats). A perfect segment contributes no chunks, so a
    /// corpus of perfect segments keeps a zero fragmentation penalty.
    /// </summary>
    public void Add(MeteorStatistics other)
    {
        if (other.testContent.Length != testContent.Length)
            throw new ArgumentException("statistics come from different module lists", nameof(other));
        TestLength += other.TestLength;
        ReferenceLength += other.ReferenceLength;
        TestFunctionWords += other.TestFunctionWords;
        ReferenceFunctionWords += other.ReferenceFunctionWords;
        for (int i = 0; i < testContent.Length; i++)
        {
            testContent[i] += other.testContent[i];
            referenceContent[i] += other.referenceContent[i];
            testFunction[i] += other.testFunction[i];
            referenceFunction[i] += other.referenceFunction[i];
        }
        if (!other.IsPerfect) Chunks += other.Chunks;
    }

    /// <summary>
    /// METEOR from the statistics (computeMetrics). Precision and recall weight matches by module weight and
    /// content words by δ (function words by 1 − δ); F_mean = P·R / (α·P + (1 − α)·R);
    /// penalty = γ · (chunks / mean matches)^β; score = F_mean · (1 − penalty), 0 when undefined.
    /// </summary>
    public MeteorScoreParts Score(double alpha, double beta, double gamma, double delta, IReadOnlyList<double> weights)
    {
        double testLength = delta * (TestLength - TestFunctionWords) + (1.0 - delta) * TestFunctionWords;
        double referenceLength = delta * (ReferenceLength - ReferenceFunctionWords) + (1.0 - delta) * ReferenceFunctionWords;

        // Same summation order as METEOR, so results agree to the last bit where the platforms' libm do.
        double testMatches = 0, referenceMatches = 0;
        for (int i = 0; i < weights.Count; i++) testMatches += testContent[i] * weights[i] * delta;
        for (int i = 0; i < weights.Count; i++) referenceMatches += referenceContent[i] * weights[i] * delta;
        for (int i = 0; i < weights.Count; i++) testMatches += testFunction[i] * weights[i] * (1.0 - delta);
        for (int i = 0; i < weights.Count; i++) referenceMatches += referenceFunction[i] * weights[i] * (1.0 - delta);

        double precision = testMatches / testLength;
        double recall = referenceMatches / referenceLength;
        double fMean = 1.0 / ((1.0 - alpha) / precision + alpha / recall);
        double fragmentation = IsPerfect ? 0.0 : Chunks / ((TestMatches + ReferenceMatches) / 2);
        double penalty = gamma * Math.Pow(fragmentation, beta);
        double score = fMean * (1.0 - penalty);
        return new MeteorScoreParts(double.IsNaN(score) ? 0.0 : Math.Max(score, 0.0), precision, recall, fMean, penalty);
    }
}
