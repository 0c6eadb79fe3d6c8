using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Verifications;

namespace Shiming.Telemetry;

/// <summary>
/// The <c>Shiming</c> meter and its instruments; their names and attributes are part of the contract (docs/operations.md). Job
/// instruments carry <c>kind</c>; no instrument carries anything a person could be known by.
/// </summary>
public sealed class ShimingMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _baiduCalls;
    private readonly Histogram<double> _baiduCallDuration;
    private readonly Dictionary<string, RecentStartCount> _starts;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, IBacklogReader> _backlogs = new(StringComparer.Ordinal);

    public ShimingMetrics(
        IMeterFactory meters,
        TimeProvider time,
        IOptionsMonitor<BaiduOptions> baidu,
        BaiduAccessTokenProvider tokens)
    {
        _time = time;
        _starts = JobKinds.All.ToDictionary(JobKinds.ToWireName, _ => new RecentStartCount(time), StringComparer.Ordinal);
        _meter = meters.Create(ShimingTelemetry.Name);
        _accepted = _meter.CreateCounter<long>("shiming.jobs.accepted", "{job}", "Jobs accepted, by side.");
        _finished = _meter.CreateCounter<long>(
            "shiming.jobs.finished", "{job}", "Jobs that reached an end: completed, failed (with its error code) or terminated.");
        _baiduCalls = _meter.CreateCounter<long>(
            "shiming.baidu.calls", "{call}", "Calls to Baidu, by outcome class: success, qps_refused, quota, token, transient, input.");
        _baiduCallDuration = _meter.CreateHistogram<double>(
            "shiming.baidu.call.duration", "s", "How long Baidu took to answer a call.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10] });
        _meter.CreateObservableGauge(
            "shiming.budget.used",
            () => JobKinds.All.Select(kind => new Measurement<double>(
                _starts[kind.ToWireName()].InLastSecond() / (double)Math.Max(1, baidu.CurrentValue.QpsLimitFor(kind)),
                new KeyValuePair<string, object?>("kind", kind.ToWireName()))),
            "1",
            "Calls started in the last second as a share of the kind's budget (Baidu__QpsLimit for cards): 1 is the whole budget.");
        _meter.CreateObservableGauge(
            "shiming.backlog.waiting",
            () => Readings().Select(r => new Measurement<int>(r.Reading.Waiting, r.Kind)),
            "{job}",
            "Jobs waiting for their Baidu call, by kind.");
        _meter.CreateObservableGauge(
            "shiming.backlog.oldest_age",
            () => Readings().Select(r => new Measurement<double>(
                r.Reading.OldestAcceptedAt is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0, r.Kind)),
            "s",
            "How long the oldest waiting job of a kind has waited since it was accepted (0 when none waits).");
        _meter.CreateObservableCounter("shiming.token.renewals", () => tokens.Renewals, "{token}", "Baidu access tokens fetched.");
    }

    /// <summary>
    /// Reports <paramref name="kind"/>'s line in the backlog gauges. The lines register when they are made: they
    /// are built from the services that count into this meter, so the meter cannot be handed them.
    /// </summary>
    public void ObserveBacklog(string kind, IBacklogReader backlog) => _backlogs[kind] = backlog;

    private IEnumerable<(BacklogReading Reading, KeyValuePair<string, object?> Kind)> Readings() =>
        _backlogs.Select(b => (Reading: b.Value.Read(), b.Key))
            .Where(b => b.Reading is not null)
            .Select(b => (b.Reading!, new KeyValuePair<string, object?>("kind", b.Key)));

    public void JobAccepted(string side, string kind = ShimingTelemetry.VerificationKind) =>
        _accepted.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("side", side));

    /// <param name="outcome"><c>completed</c>, <c>failed</c> or <c>terminated</c>.</param>
    /// <param name="errorCode">Shiming's own error code of a failed job.</param>
    /// <param name="poisoned">The job's message went to the poison queue.</param>
    public void JobFinished(string outcome, string? errorCode = null, bool poisoned = false, string kind = ShimingTelemetry.VerificationKind)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", outcome } };
        if (errorCode is not null)
        {
            tags.Add("error_code", errorCode);
        }

        if (poisoned)
        {
            tags.Add("poisoned", true);
        }

        _finished.Add(1, tags);
    }

    /// <summary>
    /// Makes one Baidu call through <paramref name="call"/>, which must start it at once: counts the start against the
    /// budget, spans it (linked to the job's submit span), times it and counts it by outcome class. Exceptions pass
    /// through unchanged.
    /// </summary>
    public async Task<T> MeasureBaiduCallAsync<T>(string api, string jobId, string? traceParent, Func<Task<T>> call, string kind = ShimingTelemetry.VerificationKind)
    {
        _starts[kind].Add();
        using var activity = ShimingTelemetry.Source.StartActivity(
            $"baidu {api}",
            ActivityKind.Client,
            parentContext: default,
            tags: [new("shiming.job.id", jobId), new("shiming.job.kind", kind), new("shiming.baidu.api", api)],
            links: ShimingTelemetry.LinksTo(traceParent));
        var started = _time.GetTimestamp();
        var outcome = BaiduCallOutcomes.Success;
        try
        {
            return await call();
        }
        catch (Exception ex)
        {
            outcome = BaiduCallOutcomes.Of(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag("error.type", ex is BaiduApiException baidu ? $"baidu_{baidu.ErrorCode}" : ex.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag("shiming.baidu.outcome", outcome);
            var tags = new TagList { { "api", api }, { "outcome", outcome } };
            _baiduCalls.Add(1, tags);
            _baiduCallDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    public void Dispose() => _meter.Dispose();
}
