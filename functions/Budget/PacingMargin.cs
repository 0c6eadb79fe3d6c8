using Microsoft.Extensions.Options;

namespace Shiming.Budget;

/// <summary>
/// The extra spacing between call starts, as a share of <c>1 / QpsLimit</c>, sized by what Baidu says: it doubles
/// (by at least <see cref="WidenBy"/>) when Baidu refuses a call with error 18, and gives back <see cref="NarrowBy"/>
/// for each <see cref="CalmPeriod"/> without a refusal, always between <c>Baidu__PacingMarginMin</c> and
/// <c>Baidu__PacingMarginMax</c>. Wide fast, narrow slow: a refusal costs a second of the whole budget, a margin a
/// little wider than needed costs a share of it.
/// </summary>
internal sealed class PacingMargin(IOptionsMonitor<PacingOptions> options, TimeProvider time)
{
    /// <summary>The least a refusal widens the margin by, so that a margin at zero still moves.</summary>
    public const double WidenBy = 0.02;

    /// <summary>What each calm period gives back.</summary>
    public const double NarrowBy = 0.005;

    /// <summary>How long without a refusal before the margin narrows by <see cref="NarrowBy"/>.</summary>
    public static readonly TimeSpan CalmPeriod = TimeSpan.FromSeconds(30);

    // Refusals that come this soon after a widening are of the calls already on their way when it happened.
    private static readonly TimeSpan SameBurst = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private double _widenedTo = double.NegativeInfinity;
    private DateTimeOffset _widenedAt = DateTimeOffset.MinValue;

    /// <summary>The margin now.</summary>
    public double Current
    {
        get
        {
            lock (_gate)
            {
                return At(time.GetUtcNow());
            }
        }
    }

    /// <summary>Baidu refused a call with error 18: the margin widens, once for all the refusals of one burst.</summary>
    public void Refused()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _widenedAt < SameBurst)
            {
                return;
            }

            var current = At(now);
            _widenedTo = Math.Min(options.CurrentValue.PacingMarginMax, Math.Max(current * 2, current + WidenBy));
            _widenedAt = now;
        }
    }

    private double At(DateTimeOffset now)
    {
        var settings = options.CurrentValue;
        var calmPeriods = _widenedAt == DateTimeOffset.MinValue ? 0 : Math.Floor((now - _widenedAt) / CalmPeriod);
        return Math.Clamp(_widenedTo - (NarrowBy * calmPeriods), settings.PacingMarginMin, settings.PacingMarginMax);
    }
}
