namespace Shiming.Benchmark;

/// <summary>Nearest-rank percentiles of figures already in ascending order, as every table of the benchmark gives them.</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="p"/>-th percentile (0–1) of <paramref name="sorted"/>; NaN when there is none.</summary>
    public static double At(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
