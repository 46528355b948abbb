namespace Spotlight.Decoding;

/// <summary>
/// One decoded sequence.
/// <list type="bullet">
/// <item><c>Tokens</c>: generated tokens, without &lt;start&gt; and without &lt;end&gt;.</item>
/// <item><c>LogProb</c>: sum of the log-probabilities of the generated tokens, including &lt;end&gt; when finished.</item>
/// <item><c>Score</c>: LogProb / lengthPenalty(len) + coveragePenalty, len counting &lt;end&gt; when finished
/// (see <see cref="HypothesisScore"/>).</item>
/// <item><c>Finished</c>: whether it ended with &lt;end&gt; (false: cut off at the maximum length).</item>
/// <item><c>Attention</c>: per generated token, &lt;end&gt; included when finished, the weights over sources;
/// null when the step function returns no attention.</item>
/// </list>
/// </summary>
public sealed record Hypothesis(int[] Tokens, double LogProb, double Score, bool Finished, float[][]? Attention);
