using Shiming.Baidu;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// Sends a job's call at its start time: counted against the kind's budget from its first byte on the wire (see
/// <see cref="BaiduDepartures"/>), spanned and timed in telemetry, and logged once it is over (event 3012), so that
/// nothing stands between the start and the send.
/// </summary>
public sealed class TimedCalls(ShimingMetrics metrics, TimeProvider time, ILogger<JobDrain> logger)
{
    /// <param name="repeat">The job was taken again after a call whose answer was never recorded: this call repeats it.</param>
    public async Task<RecognitionOutcome> SendAsync(JobLine line, Job job, string? traceParent, IPreparedJobCall call, DateTimeOffset start, bool repeat)
    {
        if (repeat)
        {
            Log.TakenAgain(logger, job.Id);
        }

        var startedAt = time.GetUtcNow();
        DateTimeOffset? departedAt = null;
        try
        {
            using var watch = BaiduDepartures.Watch(time, at => line.Budget.Departed(start, (departedAt = at).Value));
            return await metrics.MeasureBaiduCallAsync(
                job.Kind.Name, job.Kind.BaiduApi, job.Id, traceParent, () => call.SendAsync(CancellationToken.None), CallOutcomes.Describe, repeat);
        }
        finally
        {
            Log.CallStarted(logger, job.Id, startedAt, start, departedAt is { } at ? (at - startedAt).TotalMilliseconds : double.NaN);
        }
    }
}
