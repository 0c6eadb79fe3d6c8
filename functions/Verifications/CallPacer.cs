using Microsoft.Extensions.Options;
using Shiming.Baidu;

namespace Shiming.Verifications;

/// <summary>
/// Spaces the starts of Baidu calls at least <c>1 / QpsLimit</c> seconds apart within this process.
/// </summary>
public sealed class CallPacer(IOptionsMonitor<BaiduOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _lastStart = DateTimeOffset.MinValue;

    public TimeSpan Interval => TimeSpan.FromSeconds(1.0 / options.CurrentValue.QpsLimit);

    /// <summary>Waits until this caller may start a call, and reserves that start.</summary>
    public async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset start;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var earliest = _lastStart == DateTimeOffset.MinValue ? now : _lastStart + Interval;
            start = earliest > now ? earliest : now;
            _lastStart = start;
        }

        var delay = start - time.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }
    }
}
