namespace Spotlight.Lab;

/// <summary>A 2-D principal component projection: each row's coordinates and the share of variance each axis keeps.</summary>
public sealed record Projection2D(double[] X, double[] Y, double FirstShare, double SecondShare);

/// <summary>
/// Principal component analysis onto two axes: centre the rows, take the two leading eigenvectors of the covariance
/// (power iteration with deflation, in double precision: the matrices here are at most a few thousand × a few hundred),
/// and project. Each axis's sign is fixed so that its largest-magnitude component is positive, so the picture does
/// not flip between runs.
/// </summary>
public static class Pca
{
    public static Projection2D Project(IReadOnlyList<float[]> rows, int iterations = 500)
    {
        if (rows.Count < 2) throw new SpotlightException($"PCA needs at least two vectors, got {rows.Count}");
        int n = rows.Count, dim = rows[0].Length;
        var mean = new double[dim];
        foreach (var row in rows)
            for (int d = 0; d < dim; d++) mean[d] += row[d] / (double)n;
        var centred = rows.Select(r => Enumerable.Range(0, dim).Select(d => r[d] - mean[d]).ToArray()).ToArray();
        var covariance = new double[dim, dim];
        foreach (var r in centred)
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++) covariance[i, j] += r[i] * r[j] / n;
        double total = Enumerable.Range(0, dim).Sum(i => covariance[i, i]);
        var (first, firstValue) = LeadingEigenvector(covariance, iterations);
        Deflate(covariance, first, firstValue);
        var (second, secondValue) = dim > 1 ? LeadingEigenvector(covariance, iterations) : (new double[dim], 0);
        double[] Along(double[] axis) => centred.Select(r => Enumerable.Range(0, dim).Sum(d => r[d] * axis[d])).ToArray();
        return new Projection2D(Along(first), Along(second), total > 0 ? firstValue / total : 0, total > 0 ? secondValue / total : 0);
    }

    private static (double[] Vector, double Value) LeadingEigenvector(double[,] matrix, int iterations)
    {
        int dim = matrix.GetLength(0);
        // A fixed, non-symmetric start: deterministic, and not orthogonal to the leading eigenvector in practice.
        var v = Enumerable.Range(0, dim).Select(i => 1.0 + 0.1 * i).ToArray();
        Normalise(v);
        double value = 0;
        for (int it = 0; it < iterations; it++)
        {
            var next = Multiply(matrix, v);
            value = Math.Sqrt(next.Sum(x => x * x));
            if (value < 1e-300) return (new double[dim], 0);
            for (int i = 0; i < dim; i++) next[i] /= value;
            double change = Enumerable.Range(0, dim).Sum(i => Math.Abs(next[i] - v[i]));
            v = next;
            if (change < 1e-12) break;
        }
        int largest = Enumerable.Range(0, dim).MaxBy(i => Math.Abs(v[i]));
        if (v[largest] < 0) for (int i = 0; i < dim; i++) v[i] = -v[i];
        var mv = Multiply(matrix, v);
        return (v, Enumerable.Range(0, dim).Sum(i => v[i] * mv[i]));   // the Rayleigh quotient: the eigenvalue
    }

    private static void Deflate(double[,] matrix, double[] v, double value)
    {
        for (int i = 0; i < v.Length; i++)
            for (int j = 0; j < v.Length; j++) matrix[i, j] -= value * v[i] * v[j];
    }

    private static double[] Multiply(double[,] matrix, double[] v)
    {
        int dim = v.Length;
        var result = new double[dim];
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++) result[i] += matrix[i, j] * v[j];
        return result;
    }

    private static void Normalise(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        for (int i = 0; i < v.Length; i++) v[i] /= norm;
    }
}
