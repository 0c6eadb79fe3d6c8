using System.Globalization;

namespace Shiming.Budget;

/// <summary>
/// Notices when Baidu refuses every call with error 18 for over a minute: then the limit is not a burst but the account
/// (not yet verified, no free resources, another product bought), which needs a person.
/// </summary>
internal sealed class QpsRefusalMonitor(string budget, TimeProvider time, ILogger<QpsRefusalMonitor> logger)
{
    private long _refusingSinceTicks;
    private long _lastAlertTicks;

    public void Answered() => Interlocked.Exchange(ref _refusingSinceTicks, 0);

    public void Refused()
    {
        var now = time.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _refusingSinceTicks, now, 0);
        var since = Interlocked.Read(ref _refusingSinceTicks);
        if (now - since > TimeSpan.TicksPerMinute && now - Interlocked.Read(ref _lastAlertTicks) > TimeSpan.TicksPerMinute)
        {
            Interlocked.Exchange(ref _lastAlertTicks, now);
            Log.PersistentQpsRefusal(logger, budget, new DateTimeOffset(since, TimeSpan.Zero).ToString("o", CultureInfo.InvariantCulture));
        }
    }
}
